package io.flowbundle.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowbundle.FlowbundleException;
import io.flowbundle.audit.AuditLog;
import io.flowbundle.fs.Locations;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunLockTest {

    @Test
    void aSecondRunRefusesNamingTheHolderAndTheLockUntilTheFirstEnds(@TempDir Path dir)
            throws Exception {
        Path file = dir.resolve(".p.lock");
        try (RunLock first = RunLock.acquire(Locations.local(file), "p", "run-1")) {
            assertThat(first.holder().pid()).isEqualTo(ProcessHandle.current().pid());
            assertThat(AuditLog.json().readValue(file.toFile(), RunLock.Holder.class))
                    .isEqualTo(first.holder());
            assertThatThrownBy(() -> RunLock.acquire(Locations.local(file), "p", "run-2"))
                    .isInstanceOf(FlowbundleException.class)
                    .hasMessageStartingWith("run run-1 of p is running (pid ")
                    .hasMessageContaining("holds the lock " + file + "; ")
                    .hasMessageNotContaining("\n");
        }
        assertThat(file).doesNotExist();
        RunLock.acquire(Locations.local(file), "p", "run-2").close();
        assertThat(file).doesNotExist();
    }

    @Test
    void aLockWhosePidNoLongerRunsOnThisHostIsTakenOver(@TempDir Path dir) throws Exception {
        Path file = dir.resolve(".p.lock");
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        RunLock.Holder mine = RunLock.Holder.current("dead-run");
        RunLock.Holder dead = new RunLock.Holder("dead-run", gone.pid(), mine.host(), mine.since());
        Files.write(file, AuditLog.json().writeValueAsBytes(dead));
        assertThat(RunLock.stale(dead)).isTrue();

        try (RunLock taken = RunLock.acquire(Locations.local(file), "p", "run-3")) {
            assertThat(AuditLog.json().readValue(file.toFile(), RunLock.Holder.class).runId())
                    .isEqualTo("run-3");
        }
        assertThat(file).doesNotExist();
    }

    @Test
    void aLockOfAnotherHostOrAnUnreadableOneIsNeverTakenOver(@TempDir Path dir) throws Exception {
        Path file = dir.resolve(".p.lock");
        RunLock.Holder elsewhere = new RunLock.Holder("far-run", 1, "another-host", "t");
        Files.write(file, AuditLog.json().writeValueAsBytes(elsewhere));
        assertThat(RunLock.stale(elsewhere)).isFalse();
        assertThatThrownBy(() -> RunLock.acquire(Locations.local(file), "p", "run-4"))
                .hasMessageStartingWith("run far-run of p is running (pid 1 on another-host");

        Files.write(file, new byte[0]);
        assertThatThrownBy(() -> RunLock.acquire(Locations.local(file), "p", "run-4"))
                .hasMessageContaining("empty or unreadable")
                .hasMessageEndingWith("delete " + file);
        assertThat(file).exists();
    }

    @Test
    void closingALockTakenOverByAnotherRunLeavesItsLock(@TempDir Path dir) throws Exception {
        Path file = dir.resolve(".p.lock");
        RunLock first = RunLock.acquire(Locations.local(file), "p", "run-5");
        Files.delete(file);
        try (RunLock second = RunLock.acquire(Locations.local(file), "p", "run-6")) {
            first.close();
            assertThat(file).exists();
        }
        assertThat(file).doesNotExist();
    }
}
