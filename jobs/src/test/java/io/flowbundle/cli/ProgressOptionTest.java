package io.flowbundle.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProgressOptionTest {

    @Test
    void batchAndStreamRefuseAProgressIntervalThatIsNotMoreThanZero() {
        for (String command : new String[] {"batch", "stream"}) {
            Cli cli =
                    Cli.run(
                            command,
                            "--pipeline",
                            "conf/pipelines/none.yaml",
                            "--progress-interval",
                            "0s");

            assertThat(cli.exit()).as(command).isEqualTo(2);
            assertThat(cli.err())
                    .as(command)
                    .contains("--progress-interval", "must be more than 0, got 0s");
        }
    }
}
