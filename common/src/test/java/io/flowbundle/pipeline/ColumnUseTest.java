package io.flowbundle.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowbundle.spec.PipelineSpec;
import io.flowbundle.spec.SpecLoader;
import io.flowbundle.testing.CapturedLogs;
import io.flowbundle.testing.Checkout;
import io.flowbundle.testing.ConfFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.apache.flink.table.types.logical.RowType;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which columns the transform reads, the planning decision of which columns are shuffled; when it
 * cannot be derived, every column is, and the run says so once.
 */
class ColumnUseTest {

    private static final PipelineSpec SENSOR_HOURLY =
            SpecLoader.load(Checkout.conf("pipelines/sensor-hourly.yaml"));
    private static final RowType EVENTS = PipelineGraph.payloadType(SENSOR_HOURLY);

    /**
     * An OVER aggregate: a plan node the analysis does not know, so it cannot tell what is read.
     */
    private static final String OVER =
            "SELECT id, COUNT(*) OVER (PARTITION BY device_id ORDER BY `timestamp`"
                    + " ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS recent FROM events";

    @Test
    void theHourlyAggregateReadsTheDeviceTheTimeAndTheTemperature() throws IOException {
        String sql = Files.readString(Checkout.conf("sql/sensor-hourly.sql"));

        assertThat(ColumnUse.columnsRead(sql, EVENTS, "timestamp"))
                .hasValueSatisfying(
                        read ->
                                assertThat(read)
                                        .containsExactlyInAnyOrder(
                                                "device_id", "timestamp", "temperature_c"));
    }

    @Test
    void onlyTheColumnsReadAndTheEventTimeAreShuffled() {
        assertThat(PipelineGraph.eventsType(SENSOR_HOURLY, EVENTS).getFieldNames())
                .containsExactly("timestamp", "device_id", "temperature_c");
    }

    @Test
    void theSqlValidatesAgainstTheColumnsItReadsAndNotWithoutThem() {
        String sql = SENSOR_HOURLY.transform();

        assertThat(
                        ColumnUse.validates(
                                sql,
                                project(EVENTS, "device_id", "timestamp", "temperature_c"),
                                "timestamp"))
                .isTrue();
        assertThat(ColumnUse.validates(sql, project(EVENTS, "device_id", "timestamp"), "timestamp"))
                .as("temperature_c missing")
                .isFalse();
    }

    @Test
    void whatCannotBeDerivedIsOneWarningSayingWhyAndThatEveryColumnIsShuffled() {
        try (CapturedLogs logs = CapturedLogs.of(ColumnUse.class, Level.WARN)) {
            assertThat(ColumnUse.columnsRead(OVER, EVENTS, "timestamp")).isEmpty();

            assertThat(logs.lines())
                    .singleElement()
                    .satisfies(
                            line -> {
                                assertThat(line.level()).isEqualTo(Level.WARN);
                                assertThat(line.message())
                                        .contains("cannot tell which columns the transform reads")
                                        .contains("over-aggregate")
                                        .contains("every column of the view `events` is shuffled");
                            });
        }
    }

    @Test
    void aPipelineWhoseColumnUseCannotBeDerivedShufflesEveryColumn(@TempDir Path dir) {
        ConfFixture conf = ConfFixture.copyTo(dir);
        ConfFixture.edit(
                conf.pipeline("sensor-hourly"),
                "transform: {file: ../sql/sensor-hourly.sql}",
                "transform: " + OVER);
        PipelineSpec spec = SpecLoader.load(conf.pipeline("sensor-hourly"));

        try (CapturedLogs logs = CapturedLogs.of(ColumnUse.class, Level.WARN)) {
            assertThat(PipelineGraph.eventsType(spec, EVENTS)).isEqualTo(EVENTS);
            assertThat(logs.lines()).hasSize(1);
        }
    }

    private static RowType project(RowType type, String... names) {
        Set<String> keep = Set.of(names);
        return new RowType(
                type.getFields().stream().filter(f -> keep.contains(f.getName())).toList());
    }
}
