package io.flowbundle.audit;

import static io.flowbundle.audit.AuditRecordTest.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {

    @TempDir Path dir;

    @Test
    void severalAppendsReadBackInOrder() {
        AuditLog log = new AuditLog(dir.resolve("out/audit/audit.jsonl"));
        AuditRecord validate =
                step("validate").rowsIn(1000L).rowsOut(950L).rowsRejected(50L).build();
        AuditRecord dedupe = step("dedupe").rowsIn(950L).rowsOut(930L).rowsDuplicates(20L).build();
        AuditRecord transform = step("transform").rowsIn(930L).rowsOut(100L).build();
        AuditRecord run =
                step("run")
                        .rowsIn(1000L)
                        .rowsOut(930L)
                        .rowsRejected(50L)
                        .rowsDuplicates(20L)
                        .build();

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
        log.append(step("validate").rowsIn(1L).rowsOut(1L).rowsRejected(0L).build());
        String before = Files.readString(log.file());

        log.append(
                List.of(
                        step("load").rowsIn(1L).rowsOut(1L).rowsRejected(0L).build(),
                        step("run")
                                .rowsIn(1L)
                                .rowsOut(1L)
                                .rowsRejected(0L)
                                .rowsDuplicates(0L)
                                .rowsLate(0L)
                                .build()));

        String after = Files.readString(log.file());
        assertThat(after).startsWith(before).endsWith("\n");
        assertThat(after.lines())
                .hasSize(3)
                .allSatisfy(line -> assertThat(line).startsWith("{").endsWith("}"));
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
        AuditRecord record = step("validate").rowsIn(1L).rowsOut(1L).rowsRejected(0L).build();
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
        log.append(step("validate").rowsIn(1L).rowsOut(1L).rowsRejected(0L).build());
        Files.writeString(
                log.file(),
                "{\"run_id\": \"r-2\", \"step\": \n",
                StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);

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

        appendInParallel(
                List.of(new AuditLog(file), new AuditLog(dir.resolve("runs/../audit.jsonl"))), 50);

        assertBatchesStayTogether(new AuditLog(file).read(), 2 * 50);
    }

    /**
     * Each log appends {@code batches} batches of two records (validate, run) from its own thread.
     */
    private static void appendInParallel(List<AuditLog> logs, int batches) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(logs.size());
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < logs.size(); t++) {
            AuditLog log = logs.get(t);
            long thread = t;
            done.add(
                    pool.submit(
                            () -> {
                                for (int i = 0; i < batches; i++) {
                                    log.append(
                                            List.of(
                                                    step("validate")
                                                            .rowsIn(thread)
                                                            .rowsOut(thread)
                                                            .rowsRejected(0L)
                                                            .build(),
                                                    step("run")
                                                            .rowsIn(thread)
                                                            .rowsOut(thread)
                                                            .rowsRejected(0L)
                                                            .rowsDuplicates(0L)
                                                            .rowsLate(0L)
                                                            .build()));
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
            assertThat(records.get(i + 1).step())
                    .as("a batch of records stays together")
                    .isEqualTo("run");
            assertThat(records.get(i + 1).rowsIn()).isEqualTo(records.get(i).rowsIn());
        }
    }
}
