package io.flowbundle.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.flowbundle.contract.RowValidator;
import io.flowbundle.operators.DecodeException;
import io.flowbundle.operators.JsonRowDecoder;
import io.flowbundle.sample.SensorEventGenerator.Event;
import io.flowbundle.sample.SensorEventGenerator.Kind;
import io.flowbundle.sample.SensorEventGenerator.Settings;
import io.flowbundle.testing.SensorRows;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SensorEventGeneratorTest {

    private static final long JITTER = 5_000L;
    private static final long LATE_BY = 3_600_000L;

    /** 100k events with every kind switched on; generated once, shared by the read-only tests. */
    private static final Settings MIXED =
            Settings.defaults()
                    .withSeed(7)
                    .withEvents(100_000)
                    .withDuplicates(0.05)
                    .withInvalid(0.02)
                    .withLate(0.01)
                    .withMaxJitterMillis(JITTER)
                    .withLateByMillis(LATE_BY)
                    .withMalformedJson(true);

    private static List<Event> mixed;

    @BeforeAll
    static void generate() {
        mixed = generate(MIXED);
    }

    private static List<Event> generate(Settings settings) {
        SensorEventGenerator generator = new SensorEventGenerator(settings);
        List<Event> events = new ArrayList<>();
        while (generator.hasNext()) {
            events.add(generator.next());
        }
        return events;
    }

    @Test
    void sameSeedGivesTheSameSequence() {
        Settings settings = MIXED.withEvents(5_000);
        List<Event> first = generate(settings);
        List<Event> second = generate(settings);

        assertThat(second).hasSameSizeAs(first);
        for (int i = 0; i < first.size(); i++) {
            Event a = first.get(i);
            Event b = second.get(i);
            assertThat(b.kind()).as("kind of event %d", i).isEqualTo(a.kind());
            assertThat(b.json()).as("json of event %d", i).isEqualTo(a.json());
            assertThat(b.timestampMillis())
                    .as("time of event %d", i)
                    .isEqualTo(a.timestampMillis());
            assertThat(b.row()).as("row of event %d", i).isEqualTo(a.row());
        }
    }

    @Test
    void anotherSeedGivesAnotherSequence() {
        List<Event> seven = generate(MIXED.withEvents(200));
        List<Event> eight = generate(MIXED.withEvents(200).withSeed(8));

        long same = 0;
        for (int i = 0; i < seven.size(); i++) {
            same += Arrays.equals(seven.get(i).json(), eight.get(i).json()) ? 1 : 0;
        }
        assertThat(same).isZero();
    }

    @Test
    void generatesExactlyTheRequestedNumberOfEvents() {
        assertThat(mixed).hasSize(100_000);
        assertThat(generate(MIXED.withEvents(0))).isEmpty();
    }

    @Test
    void fractionsAreRoughlyAsConfigured() {
        Map<Kind, Long> counts = new EnumMap<>(Kind.class);
        for (Event event : mixed) {
            counts.merge(event.kind(), 1L, Long::sum);
        }
        double total = mixed.size();
        double originals = total - counts.get(Kind.DUPLICATE);

        assertThat(counts.get(Kind.DUPLICATE) / total).isCloseTo(MIXED.duplicates(), within(0.005));
        assertThat((counts.get(Kind.INVALID) + counts.get(Kind.MALFORMED)) / originals)
                .isCloseTo(MIXED.invalid(), within(0.003));
        assertThat(counts.get(Kind.MALFORMED))
                .as("about half of the invalid JSON events are malformed")
                .isBetween(counts.get(Kind.INVALID) / 2, counts.get(Kind.INVALID) * 2);
        // an invalid event is reported as INVALID even when it was also stamped late
        assertThat(counts.get(Kind.LATE) / originals)
                .isCloseTo(MIXED.late() * (1 - MIXED.invalid()), within(0.002));
    }

    @Test
    void onTimeEventsAreOutOfOrderByAtMostTheJitter() {
        Long newest = null;
        long worst = 0;
        for (Event event : mixed) {
            if (event.kind() == Kind.VALID) {
                if (newest != null) {
                    worst = Math.max(worst, newest - event.timestampMillis());
                }
                newest =
                        newest == null
                                ? event.timestampMillis()
                                : Math.max(newest, event.timestampMillis());
            }
        }
        assertThat(worst).isBetween(1L, JITTER);
    }

    @Test
    void lateEventsAreFarBehindTheNewestOnTimeEvent() {
        long newest = Long.MIN_VALUE;
        int late = 0;
        for (Event event : mixed) {
            if (event.kind() == Kind.VALID) {
                newest = Math.max(newest, event.timestampMillis());
            } else if (event.kind() == Kind.LATE && newest != Long.MIN_VALUE) {
                late++;
                // stamped LATE_BY before its arrival: far behind the newest on-time event, but
                // never more than LATE_BY (no on-time event arrived after it)
                assertThat(newest - event.timestampMillis())
                        .as("late event %s", event.row())
                        .isBetween(100 * JITTER, LATE_BY);
            }
        }
        assertThat(late).isPositive();
    }

    @Test
    void duplicatesAreExactCopiesOfEarlierValidEvents() {
        Map<String, Event> firstById = new HashMap<>();
        int duplicates = 0;
        for (Event event : mixed) {
            if (event.kind() == Kind.DUPLICATE) {
                duplicates++;
                String id = SensorRows.idOf(event.row());
                Event original = firstById.get(id);
                assertThat(original).as("the original of %s came earlier", id).isNotNull();
                assertThat(original.kind()).isEqualTo(Kind.VALID);
                assertThat(event.json()).isEqualTo(original.json());
                assertThat(event.row()).isEqualTo(original.row());
                assertThat(event.timestampMillis()).isEqualTo(original.timestampMillis());
                assertThat(event.deviceId()).isEqualTo(original.deviceId());
            } else if (event.row() != null) {
                assertThat(firstById.putIfAbsent(SensorRows.idOf(event.row()), event))
                        .as("ids of original events are unique")
                        .isNull();
            }
        }
        assertThat(duplicates).isPositive();
    }

    @Test
    void kindsAgreeWithTheContractAndTheDecoder() {
        RowValidator contract = new RowValidator(SensorRows.contract());
        JsonRowDecoder decoder = new JsonRowDecoder(SensorEventGenerator.ROW_TYPE);
        List<String> disagreements = new ArrayList<>();
        for (Event event : mixed.subList(0, 20_000)) {
            boolean agrees =
                    switch (event.kind()) {
                        case MALFORMED -> event.row() == null && !decodes(decoder, event);
                        case INVALID -> contract.validate(event.row()) != null;
                        default ->
                                contract.validate(event.row()) == null && decodes(decoder, event);
                    };
            if (!agrees) {
                disagreements.add(event.kind() + ": " + new String(event.json()));
            }
        }
        assertThat(disagreements).isEmpty();
    }

    @Test
    void jsonIsTheRowEncoded() throws DecodeException {
        JsonRowDecoder decoder = new JsonRowDecoder(SensorEventGenerator.ROW_TYPE);
        for (Event event : mixed.subList(0, 2_000)) {
            if (event.row() != null) {
                assertThat(decoder.decode(event.json())).isEqualTo(event.row());
            }
        }
    }

    @Test
    void rowsHaveTheColumnsOfTheSampleContract() {
        assertThat(SensorEventGenerator.ROW_TYPE).isEqualTo(SensorRows.contract().rowType());
    }

    @Test
    void withoutMalformedJsonNoEventIsMalformed() {
        assertThat(generate(MIXED.withEvents(20_000).withMalformedJson(false)))
                .extracting(Event::kind)
                .doesNotContain(Kind.MALFORMED)
                .contains(Kind.INVALID);
    }

    @Test
    void devicesAreDrawnFromTheConfiguredFleet() {
        assertThat(generate(MIXED.withEvents(5_000).withDevices(3)))
                .extracting(Event::deviceId)
                .containsOnly("device-000", "device-001", "device-002");
    }

    private static boolean decodes(JsonRowDecoder decoder, Event event) {
        try {
            decoder.decode(event.json());
            return true;
        } catch (DecodeException e) {
            return false;
        }
    }
}
