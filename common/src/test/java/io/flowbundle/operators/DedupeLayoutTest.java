package io.flowbundle.operators;

import static io.flowbundle.testing.SensorRows.reading;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowbundle.testing.SensorRows;
import io.flowbundle.testing.Times;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.api.common.typeutils.base.array.LongPrimitiveArraySerializer;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.SavepointType;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.utils.JoinedRowData;
import org.apache.flink.table.runtime.typeutils.RowDataSerializer;
import org.junit.jupiter.api.Test;

/**
 * Restoring a savepoint of the state layout before version 2 ({@link DedupeLayout}): refused in one
 * line that says what to do, or its keys dropped when the job says so; never an empty start that
 * looks like a restore.
 *
 * <p>The version 1 savepoints are written by {@link V1Writer}, which stores keys exactly as the
 * version 1 operator stored them (the same state names, serializers, keys and namespaces: its heap
 * tables, or its RocksDB entries and expiry lists); only the fingerprints' values are made up, as
 * the version 1 hash is gone and no version 2 operator reads them.
 */
class DedupeLayoutTest {

    private static final long RETENTION = Duration.ofHours(1).toMillis();
    private static final int MAX_PARALLELISM = DedupeOperatorTest.MAX_PARALLELISM;

    @Test
    void aHeapSavepointOfLayoutV1IsRefusedInOneLineThatSaysWhatToDo() throws Exception {
        OperatorSubtaskState v1 = v1Savepoint(new HashMapStateBackend(), true);

        assertRefused(new HashMapStateBackend(), v1);
        assertRefused(new EmbeddedRocksDBStateBackend(), v1);
    }

    @Test
    void aRocksDbSavepointOfLayoutV1IsRefusedToo() throws Exception {
        OperatorSubtaskState v1 = v1Savepoint(new EmbeddedRocksDBStateBackend(), false);

        assertRefused(new EmbeddedRocksDBStateBackend(), v1);
        assertRefused(new HashMapStateBackend(), v1);
    }

    @Test
    void withTheJobParameterV1KeysAreDroppedAndGoneFromTheNextSavepoint() throws Exception {
        for (StateBackend backend :
                List.of(new HashMapStateBackend(), new EmbeddedRocksDBStateBackend())) {
            OperatorSubtaskState v1 = v1Savepoint(backend, backend instanceof HashMapStateBackend);
            OperatorSubtaskState v2;
            try (var harness = dedupe(backend, v1, true)) {
                DedupeOperator operator = (DedupeOperator) harness.getOperator();
                assertThat(operator.rememberedKeys()).as("v1 keys are not v2 keys").isZero();
                send(harness, reading("evt-1").at("2026-11-01T10:00:00Z").build());
                send(harness, reading("evt-1").at("2026-11-01T10:00:00Z").build());
                assertThat(harness.extractOutputValues()).as("v2 dedupes from here on").hasSize(1);
                v2 = savepoint(harness, 2);
            }

            try (var harness = dedupe(backend, v2, false)) {
                DedupeOperator operator = (DedupeOperator) harness.getOperator();
                assertThat(operator.rememberedKeys())
                        .as("restores without the parameter")
                        .isEqualTo(1);
                send(harness, reading("evt-1").at("2026-11-01T10:00:00Z").build());
                assertThat(harness.extractOutputValues()).isEmpty();
            }
        }
    }

    @Test
    void aFreshStartAndALayoutV2SavepointNeedNoParameter() throws Exception {
        OperatorSubtaskState v2;
        try (var harness = dedupe(new HashMapStateBackend(), null, false)) {
            send(harness, reading("evt-1").at("2026-11-01T10:00:00Z").build());
            v2 = savepoint(harness, 1);
        }
        try (var harness = dedupe(new EmbeddedRocksDBStateBackend(), v2, false)) {
            assertThat(((DedupeOperator) harness.getOperator()).rememberedKeys()).isEqualTo(1);
        }
    }

    private static void assertRefused(StateBackend backend, OperatorSubtaskState v1) {
        assertThatThrownBy(() -> dedupe(backend, v1, false).close())
                .isInstanceOf(SuppressRestartsException.class)
                .rootCause()
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("layout v1")
                .hasMessageContaining(
                        "-D pipeline.global-job-parameters=flowbundle.dedupe.drop-v1-state:true")
                .hasMessageContaining("3600000 ms")
                .hasMessageNotContaining("\n");
    }

    /** A savepoint of three keys in layout v1: its heap tables, or its RocksDB entries. */
    private static OperatorSubtaskState v1Savepoint(StateBackend backend, boolean tables)
            throws Exception {
        try (var harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new V1Writer(tables),
                        DedupeOperator.buckets(),
                        Types.INT,
                        MAX_PARALLELISM,
                        1,
                        0)) {
            harness.setStateBackend(backend);
            harness.setup(new RowDataSerializer(Fingerprinted.type(SensorRows.PIPELINE_TYPE)));
            harness.open();
            for (long key = 1; key <= 3; key++) {
                long high = key * 0x9E3779B97F4A7C15L;
                long low = key * 0xC2B2AE3D27D4EB4FL;
                harness.processElement(
                        GenericRowData.of(high, low), Times.millis("2026-11-01T10:00:00Z"));
            }
            return savepoint(harness, 1);
        }
    }

    /** A canonical savepoint: what any state backend restores. */
    private static OperatorSubtaskState savepoint(
            KeyedOneInputStreamOperatorTestHarness<Integer, RowData, RowData> harness, long id)
            throws Exception {
        return harness.snapshotWithLocalState(
                        id, id, SavepointType.savepoint(SavepointFormatType.CANONICAL))
                .getJobManagerOwnedState();
    }

    private static KeyedOneInputStreamOperatorTestHarness<Integer, RowData, RowData> dedupe(
            StateBackend backend, OperatorSubtaskState restoreFrom, boolean dropV1)
            throws Exception {
        DedupeOperator operator =
                new DedupeOperator(
                        SensorRows.PIPELINE_TYPE.getFieldCount(),
                        new EventTime(SensorRows.TIMESTAMP, 3),
                        RETENTION);
        var harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        operator, DedupeOperator.buckets(), Types.INT, MAX_PARALLELISM, 1, 0);
        harness.setStateBackend(backend);
        harness.setup(new RowDataSerializer(SensorRows.PIPELINE_TYPE));
        if (dropV1) {
            harness.getExecutionConfig()
                    .setGlobalJobParameters(
                            Configuration.fromMap(Map.of(DedupeLayout.DROP_V1, "true")));
        }
        try {
            if (restoreFrom != null) {
                harness.initializeState(restoreFrom);
            }
            harness.open();
        } catch (Exception | Error e) {
            harness.close();
            throw e;
        }
        return harness;
    }

    private static void send(
            KeyedOneInputStreamOperatorTestHarness<Integer, RowData, RowData> harness,
            GenericRowData row)
            throws Exception {
        long[] print = new long[2];
        DedupeOperatorTest.KEY.fingerprint(row, print);
        harness.processElement(
                new JoinedRowData(GenericRowData.of(print[0], print[1]), row),
                row.getTimestamp(SensorRows.TIMESTAMP, 3).getMillisecond());
    }

    /**
     * Stores fingerprinted records' keys as the version 1 operator did: slot = first half with the
     * bucket in its low bits, under the bucket; the expiry lists (RocksDB) or the table (heap)
     * under the key group's first bucket.
     */
    private static final class V1Writer extends AbstractStreamOperator<RowData>
            implements OneInputStreamOperator<RowData, RowData> {

        private final boolean tables;

        V1Writer(boolean tables) {
            this.tables = tables;
        }

        @Override
        public void processElement(StreamRecord<RowData> element) throws Exception {
            RowData row = element.getValue();
            long low = Fingerprinted.low(row);
            int bucket = DedupeOperator.bucketOf(low);
            long slot = (Fingerprinted.high(row) & ~(long) (DedupeOperator.BUCKETS - 1)) | bucket;
            long expiry = element.getTimestamp() + RETENTION;
            KeyedStateBackend<Integer> backend = getKeyedStateBackend();
            Integer first = DedupeOperator.representatives(MAX_PARALLELISM)[bucket];
            if (tables) {
                backend.setCurrentKey(first);
                ValueState<long[]> table =
                        backend.getPartitionedState(
                                VoidNamespace.INSTANCE,
                                VoidNamespaceSerializer.INSTANCE,
                                new ValueStateDescriptor<>(
                                        DedupeLayout.V1_TABLES,
                                        LongPrimitiveArraySerializer.INSTANCE));
                long[] triples = table.value() == null ? new long[0] : table.value();
                long[] more = Arrays.copyOf(triples, triples.length + 3);
                more[triples.length] = slot;
                more[triples.length + 1] = low;
                more[triples.length + 2] = expiry;
                table.update(more);
            } else {
                backend.<Long, ValueState<Long>>getPartitionedState(
                                slot,
                                LongSerializer.INSTANCE,
                                new ValueStateDescriptor<>(DedupeLayout.V1_SEEN, Types.LONG))
                        .update(low);
                backend.setCurrentKey(first);
                backend.getPartitionedState(
                                expiry,
                                LongSerializer.INSTANCE,
                                new ListStateDescriptor<>(DedupeLayout.V1_EXPIRING, Types.LONG))
                        .add(slot);
            }
            backend.setCurrentKey(DedupeOperator.bucketKey(bucket));
        }
    }
}
