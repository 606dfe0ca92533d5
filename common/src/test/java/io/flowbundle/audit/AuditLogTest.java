package io.flowbundle.audit;

import static io.flowbundle.audit.AuditRecordTest.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

class AuditLogTest {

    @TempDir Path dir;

    @Test
    void severalAppendsReadBackInOrder() {
        AuditLog log = new AuditLog(dir.resolve("out/audit/audit.jsonl"));
        AuditRecord validate = step("validate", 1000L, 950L, 50L, null, null);
        AuditRecord dedupe = step("dedupe", 950L, 930L, null, 20L, null);
        AuditRecord transform = step("transform", 930L, 100L, null, null, null);
        AuditRecord run = step("run", 1000L, 930L, 50L, 20L, null);

        log.append(validate);
        log.append(List.of(dedupe, transform));
        log.append(run);

        assertThat(log.read()).containsExactly(validate, dedupe, transform, run);
        assertThat(new AuditLog(dir.resolve("out/audit/audit.jsonl")).read())
                .as("a new reader sees the same log")
                .containsExactly(validate, dedupe, transform, run);
    }

    @Test
    void oneJsonObjectPerLineAndNothingRewritten() throws IOException {
        AuditLog log = new AuditLog(dir.resolve("audit.jsonl"));
        log.append(step("validate", 1L, 1L, 0L, null, null));
        String before = Files.readString(log.file());

        log.append(List.of(step("load", 1L, 1L, 0L, null, null), step("run", 1L, 1L, 0L, 0L, 0L)));

        String after = Files.readString(log.file());
        assertThat(after).startsWith(before).endsWith("\n");
        assertThat(after.lines()).hasSize(3).allSatisfy(line -> assertThat(line).startsWith("{").endsWith("}"));
    }

    @Test
    void aMissingLogReadsAsEmpty() {
        assertThat(new AuditLog(dir.resolve("never-written.jsonl")).read()).isEmpty();
    }

    @Test
    void pathIsAbsolute() {
        assertThat(new AuditLog(Path.of("relative/audit.jsonl")).file().isAbsolute()).isTrue();
    }

    @Test
    void blankLinesAndUnknownFieldsAreTolerated() throws IOException {
        AuditLog log = new AuditLog(dir.resolve("audit.jsonl"));
        AuditRecord record = step("validate", 1L, 1L, 0L, null, null);
        log.append(record);
        Files.writeString(
                log.file(),
                "\n   \n{\"run_id\": \"r-2\", \"step\": \"run\", \"written_by\": \"flowbundle 0.2\"}\n",
                StandardOpenOption.APPEND);

        List<AuditRecord> records = log.read();

        assertThat(records).hasSize(2);
        assertThat(records.get(0)).isEqualTo(record);
        assertThat(records.get(1).runId()).isEqualTo("r-2");
        assertThat(records.get(1).step()).isEqualTo("run");
    }

    @Test
    void aBrokenLineIsReportedByNumber() throws IOException {
        AuditLog log = new AuditLog(dir.resolve("audit.jsonl"));
        log.append(step("validate", 1L, 1L, 0L, null, null));
        Files.writeString(log.file(), "{\"run_id\": \"r-2\", \"step\": \n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        assertThatThrownBy(log::read)
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageStartingWith(log.file() + " line 2: not an audit record");
    }

    @Test
    void concurrentAppendsThroughOneLogNeverInterleave() throws Exception {
        AuditLog log = new AuditLog(dir.resolve("audit.jsonl"));

        appendInParallel(List.of(log, log, log, log), 50);

        assertBatchesStayTogether(log.read(), 4 * 50);
    }

    @Test
    void concurrentAppendsThroughTwoLogsOnOneFileNeverInterleave() throws Exception {
        Path file = dir.resolve("audit.jsonl");

        appendInParallel(List.of(new AuditLog(file), new AuditLog(file)), 100);

        assertBatchesStayTogether(new AuditLog(file).read(), 2 * 100);
    }

    @Test
    void logsNamingOneFileByDifferentPathsShareTheLock() throws Exception {
        Path file = dir.resolve("audit.jsonl");

        appendInParallel(List.of(new AuditLog(file), new AuditLog(dir.resolve("runs/../audit.jsonl"))), 50);

        assertBatchesStayTogether(new AuditLog(file).read(), 2 * 50);
    }

    /** Each log appends {@code batches} batches of two records (validate, run) from its own thread. */
    private static void appendInParallel(List<AuditLog> logs, int batches) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(logs.size());
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < logs.size(); t++) {
            AuditLog log = logs.get(t);
            long thread = t;
            done.add(pool.submit(() -> {
                for (int i = 0; i < batches; i++) {
                    log.append(List.of(step("validate", thread, thread, 0L, null, null), step("run", thread, thread, 0L, 0L, 0L)));
                }
            }));
        }
        try {
            for (Future<?> future : done) {
                future.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void assertBatchesStayTogether(List<AuditRecord> records, int batches) {
        assertThat(records).hasSize(batches * 2);
        for (int i = 0; i < records.size(); i += 2) {
            assertThat(records.get(i).step()).isEqualTo("validate");
            assertThat(records.get(i + 1).step()).as("a batch of records stays together").isEqualTo("run");
            assertThat(records.get(i + 1).rowsIn()).isEqualTo(records.get(i).rowsIn());
        }
    }
}
