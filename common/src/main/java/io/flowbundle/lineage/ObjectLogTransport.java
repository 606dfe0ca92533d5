package io.flowbundle.lineage;

import io.flowbundle.fs.AppendOnlyLog;
import io.flowbundle.fs.StorageErrors;
import io.openlineage.client.OpenLineage;
import io.openlineage.client.OpenLineageClientUtils;
import io.openlineage.client.transports.Transport;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * OpenLineage's file transport for object storage, where a file cannot be appended to: every event
 * is one object below the lineage location's prefix ({@link AppendOnlyLog}), one JSON line as the
 * file transport writes it, so {@code lineage trace} reads the prefix back as one log.
 */
final class ObjectLogTransport extends Transport {

    private final AppendOnlyLog log;

    ObjectLogTransport(AppendOnlyLog log) {
        this.log = log;
    }

    @Override
    public void emit(OpenLineage.RunEvent event) {
        write(OpenLineageClientUtils.toJson(event));
    }

    @Override
    public void emit(OpenLineage.DatasetEvent event) {
        write(OpenLineageClientUtils.toJson(event));
    }

    @Override
    public void emit(OpenLineage.JobEvent event) {
        write(OpenLineageClientUtils.toJson(event));
    }

    private void write(String json) {
        try {
            log.append(json.replace("\n", "") + "\n");
        } catch (IOException e) {
            // one line: LineageSink logs it as a warning, and lineage never fails a run
            throw new UncheckedIOException(StorageErrors.describe(log.location(), e), e);
        }
    }
}
