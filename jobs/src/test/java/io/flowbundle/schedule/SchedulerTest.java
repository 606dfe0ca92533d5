package io.flowbundle.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowbundle.audit.AuditLog;
import io.flowbundle.audit.AuditRecord;
import io.flowbundle.config.ConfigException;
import io.flowbundle.fs.Locations;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scheduler's retry, backoff, ordering and give-up rules, with injected step outcomes. */
class SchedulerTest {

    private static final LocalDate DAY = LocalDate.of(2026, 11, 1);

    @TempDir Path dir;
    private final List<Duration> waits = new ArrayList<>();
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();

    @Test
    void aStepThatFailsTwiceThenSucceedsIsRetriedWithExponentialBackoff() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Scheduler scheduler =
                scheduler(
                        single(
                                new RetryPolicy(
                                        4, Duration.ofSeconds(10), 2.0, Duration.ofMinutes(5))),
                        (step, date, attempt) -> {
                            if (calls.incrementAndGet() < 3) {
                                throw new IllegalStateException(
                                        "input not landed yet (attempt " + attempt + ")");
                            }
                            return "run-3";
                        });

        Scheduler.Result result = scheduler.run(List.of(DAY), false);

        assertThat(result.succeeded()).isTrue();
        assertThat(result.steps())
                .singleElement()
                .satisfies(
                        step -> {
                            assertThat(step.status()).isEqualTo(AuditRecord.SUCCEEDED);
                            assertThat(step.attempts()).isEqualTo(3);
                            assertThat(step.runId()).isEqualTo("run-3");
                        });
        assertThat(waits).containsExactly(Duration.ofSeconds(10), Duration.ofSeconds(20));
        assertThat(audit())
                .extracting(AuditRecord::attempt, AuditRecord::status)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(1, AuditRecord.FAILED),
                        org.assertj.core.groups.Tuple.tuple(2, AuditRecord.FAILED),
                        org.assertj.core.groups.Tuple.tuple(3, AuditRecord.SUCCEEDED));
        assertThat(audit().get(0).error()).isEqualTo("input not landed yet (attempt 1)");
        assertThat(Files.readString(Locations.toLocal(result.log())))
                .contains("succeeded on attempt 3");
    }

    @Test
    void aStepThatKeepsFailingGivesUpAfterMaxAttemptsAndStopsTheBackfill() throws Exception {
        List<LocalDate> ran = new ArrayList<>();
        Scheduler scheduler =
                scheduler(
                        single(
                                new RetryPolicy(
                                        3, Duration.ofSeconds(1), 3.0, Duration.ofSeconds(5))),
                        (step, date, attempt) -> {
                            ran.add(date);
                            throw new IllegalStateException("broker unavailable");
                        });

        Scheduler.Result result = scheduler.run(List.of(DAY, DAY.plusDays(1)), false);

        assertThat(result.succeeded()).isFalse();
        assertThat(ran).containsExactly(DAY, DAY, DAY);
        assertThat(waits).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(3));
        assertThat(result.steps())
                .singleElement()
                .satisfies(
                        step -> {
                            assertThat(step.status()).isEqualTo(AuditRecord.FAILED);
                            assertThat(step.attempts()).isEqualTo(3);
                            assertThat(step.error()).isEqualTo("broker unavailable");
                        });
        assertThat(audit()).hasSize(3).allMatch(r -> r.status().equals(AuditRecord.FAILED));
        assertThat(output.toString(StandardCharsets.UTF_8))
                .contains("gave up after 3 attempt(s)")
                .contains("stopping: later dates may depend on it");
    }

    @Test
    void aConfigurationErrorIsNotRetried() throws Exception {
        Scheduler scheduler =
                scheduler(
                        single(RetryPolicy.defaults()),
                        (step, date, attempt) -> {
                            throw new IllegalStateException(
                                    "run failed",
                                    new ConfigException("spec.yaml: transform: unknown column"));
                        });

        Scheduler.Result result = scheduler.run(List.of(DAY), false);

        assertThat(result.steps())
                .singleElement()
                .extracting(Scheduler.StepResult::attempts)
                .isEqualTo(1);
        assertThat(waits).isEmpty();
    }

    @Test
    void stepsRunAfterTheirDependenciesAndNotAtAllWhenOneFailed() throws Exception {
        Workflow workflow =
                new Workflow(
                        "w",
                        List.of(
                                new Workflow.Step(
                                        "publish", Path.of("publish.yaml"), List.of("curate")),
                                new Workflow.Step(
                                        "curate", Path.of("curate.yaml"), List.of("land")),
                                new Workflow.Step("land", Path.of("land.yaml"), List.of())),
                        RetryPolicy.defaults().withMaxAttempts(1));
        List<String> order = new ArrayList<>();
        Scheduler scheduler =
                scheduler(
                        workflow,
                        (step, date, attempt) -> {
                            order.add(step.name());
                            if (step.name().equals("curate")) {
                                throw new IllegalStateException("contract violated");
                            }
                            return "run-" + step.name();
                        });

        Scheduler.Result result = scheduler.run(List.of(DAY), false);

        assertThat(order).containsExactly("land", "curate");
        assertThat(result.steps())
                .extracting(Scheduler.StepResult::step, Scheduler.StepResult::status)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("land", AuditRecord.SUCCEEDED),
                        org.assertj.core.groups.Tuple.tuple("curate", AuditRecord.FAILED),
                        org.assertj.core.groups.Tuple.tuple("publish", AuditRecord.FAILED));
        assertThat(audit())
                .last()
                .satisfies(r -> assertThat(r.error()).isEqualTo("upstream step failed: curate"));
    }

    @Test
    void aCycleIsRejected() {
        Workflow cyclic =
                new Workflow(
                        "w",
                        List.of(
                                new Workflow.Step("a", Path.of("a.yaml"), List.of("b")),
                                new Workflow.Step("b", Path.of("b.yaml"), List.of("a"))),
                        RetryPolicy.defaults());
        org.assertj.core.api.Assertions.assertThatThrownBy(cyclic::order)
                .hasMessageContaining("cycle");
    }

    @Test
    void backoffGrowsAndIsCapped() {
        RetryPolicy policy =
                new RetryPolicy(6, Duration.ofSeconds(10), 2.0, Duration.ofSeconds(45));
        assertThat(List.of(2, 3, 4, 5).stream().map(policy::backoffBefore).toList())
                .containsExactly(
                        Duration.ofSeconds(10),
                        Duration.ofSeconds(20),
                        Duration.ofSeconds(40),
                        Duration.ofSeconds(45));
    }

    private static Workflow single(RetryPolicy retries) {
        return Workflow.ofPipeline("p", Path.of("p.yaml"), retries);
    }

    private Scheduler scheduler(Workflow workflow, Scheduler.StepRunner runner) {
        return new Scheduler(
                workflow,
                runner,
                step -> step.name(),
                new AuditLog(dir.resolve("audit.jsonl")),
                "test",
                waits::add,
                new PrintStream(output, true, StandardCharsets.UTF_8),
                Locations.local(dir.resolve("runs")));
    }

    private List<AuditRecord> audit() {
        return new AuditLog(dir.resolve("audit.jsonl")).read();
    }
}
