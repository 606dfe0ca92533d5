package io.flowbundle.testing;

import io.flowbundle.lineage.Datasets;
import io.flowbundle.lineage.LineageSink;
import io.openlineage.client.OpenLineage;
import io.openlineage.client.OpenLineageClientUtils;
import java.net.URI;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.UUID;

/** Minimal OpenLineage run events as lineage log lines, for tests that read lineage back. */
public final class RunEvents {

    private static final OpenLineage OL = new OpenLineage(URI.create("https://flowbundle.io/test"));

    private RunEvents() {}

    /**
     * One event of job {@code job} (namespace {@link LineageSink#DEFAULT_NAMESPACE}) as a JSON
     * line.
     *
     * @param type START, COMPLETE, FAIL, ...
     * @param time ISO-8601, e.g. 2026-11-02T01:00:00Z
     */
    public static String event(
            String type,
            String job,
            String runId,
            String time,
            List<Datasets.Id> inputs,
            List<Datasets.Id> outputs) {
        OpenLineage.RunEvent event =
                OL.newRunEventBuilder()
                        .eventType(OpenLineage.RunEvent.EventType.valueOf(type))
                        .eventTime(ZonedDateTime.parse(time))
                        .run(OL.newRun(UUID.fromString(runId), null))
                        .job(OL.newJob(LineageSink.DEFAULT_NAMESPACE, job, null))
                        .inputs(
                                inputs.stream()
                                        .map(
                                                d ->
                                                        OL.newInputDatasetBuilder()
                                                                .namespace(d.namespace())
                                                                .name(d.name())
                                                                .build())
                                        .toList())
                        .outputs(
                                outputs.stream()
                                        .map(
                                                d ->
                                                        OL.newOutputDatasetBuilder()
                                                                .namespace(d.namespace())
                                                                .name(d.name())
                                                                .build())
                                        .toList())
                        .build();
        return OpenLineageClientUtils.toJson(event);
    }
}
