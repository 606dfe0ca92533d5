package io.flowbundle.parquet;

import java.lang.reflect.Field;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.util.Pool;
import org.apache.flink.connector.file.table.ColumnarRowIterator;
import org.apache.flink.formats.parquet.ParquetColumnarRowInputFormat;
import org.apache.flink.formats.parquet.vector.ParquetDictionary;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.data.columnar.ColumnarRowData;
import org.apache.flink.table.data.columnar.vector.Dictionary;
import org.apache.flink.table.data.columnar.vector.VectorizedColumnBatch;
import org.apache.flink.table.data.columnar.vector.heap.HeapBytesVector;
import org.apache.flink.table.data.columnar.vector.writable.AbstractWritableVector;
import org.apache.flink.table.data.columnar.vector.writable.WritableColumnVector;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.table.types.logical.RowType;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flink's columnar Parquet format, with the values of dictionary-encoded string columns decoded
 * once per dictionary instead of once per row.
 *
 * <p>Flink decodes a dictionary-encoded string lazily: every {@code getString} of a row asks
 * Parquet's dictionary for the entry, and Parquet copies it into a new {@code byte[]} each time.
 * For a column with few distinct values and many rows (a device id, an event type) that copy was
 * the largest single cost of reading (42% of the source task of the batch benchmark, JFR). Here
 * each dictionary entry is copied the first time a row asks for it and shared by every later row of
 * the same column chunk. The shared arrays are never written: {@code BinaryStringData} wraps them
 * read-only, as it wraps Parquet's own when it can hand them out without a copy.
 *
 * <p>Which dictionary a vector holds is not public in Flink 2.2 (the vector's dictionary and the
 * Parquet dictionary inside Flink's wrapper are private fields), so they are read reflectively. If
 * a later Flink renames them, the format logs a warning and reads exactly like Flink's own.
 */
final class DictionaryCachingFormat extends ParquetColumnarRowInputFormat<FileSourceSplit> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(DictionaryCachingFormat.class);

    private static final Field VECTOR_DICTIONARY =
            field(AbstractWritableVector.class, "dictionary", Dictionary.class);
    private static final Field PARQUET_DICTIONARY =
            field(
                    ParquetDictionary.class,
                    "dictionary",
                    org.apache.parquet.column.Dictionary.class);

    DictionaryCachingFormat(RowType rowType, int batchSize) {
        super(
                new Configuration(false),
                rowType,
                InternalTypeInfo.of(rowType),
                batchSize,
                true,
                true);
    }

    /** Whether dictionary entries are shared (false if this Flink's internals differ). */
    static boolean caching() {
        return VECTOR_DICTIONARY != null && PARQUET_DICTIONARY != null;
    }

    @Override
    protected ParquetReaderBatch<RowData> createReaderBatch(
            WritableColumnVector[] writableVectors,
            VectorizedColumnBatch columnarBatch,
            Pool.Recycler<ParquetReaderBatch<RowData>> recycler) {
        return new Batch(writableVectors, columnarBatch, recycler);
    }

    private static Field field(Class<?> owner, String name, Class<?> type) {
        try {
            Field field = owner.getDeclaredField(name);
            if (field.getType() != type) {
                throw new NoSuchFieldException(
                        "it is a " + field.getType().getName() + ", not a " + type.getName());
            }
            field.setAccessible(true);
            return field;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn(
                    "Parquet string dictionaries are decoded per row, which is slower ({}.{} not"
                            + " accessible in this Flink version: {})",
                    owner.getSimpleName(),
                    name,
                    e.toString());
            return null;
        }
    }

    /** A batch of rows whose string columns share one copy of each dictionary entry. */
    private static final class Batch extends ParquetReaderBatch<RowData> {

        private final WritableColumnVector[] vectors;
        private final ColumnarRowIterator rows;

        /** Per column: the Parquet dictionary last seen ... */
        private final Object[] dictionaries;

        /** ... and its entries decoded so far (null until a row asks for one). */
        private final byte[][][] entries;

        Batch(
                WritableColumnVector[] vectors,
                VectorizedColumnBatch columnarBatch,
                Pool.Recycler<ParquetReaderBatch<RowData>> recycler) {
            super(vectors, columnarBatch, recycler);
            this.vectors = vectors;
            this.rows = new ColumnarRowIterator(new ColumnarRowData(columnarBatch), this::recycle);
            this.dictionaries = new Object[vectors.length];
            this.entries = new byte[vectors.length][][];
        }

        @Override
        public ColumnarRowIterator convertAndGetIterator(long rowsReturned) {
            if (caching()) {
                for (int i = 0; i < vectors.length; i++) {
                    if (vectors[i] instanceof HeapBytesVector && vectors[i].hasDictionary()) {
                        share(i, (HeapBytesVector) vectors[i]);
                    }
                }
            }
            rows.set(columnarBatch.getNumRows(), rowsReturned);
            return rows;
        }

        private void share(int column, HeapBytesVector vector) {
            try {
                Object dictionary = VECTOR_DICTIONARY.get(vector);
                if (!(dictionary instanceof ParquetDictionary)) {
                    return;
                }
                org.apache.parquet.column.Dictionary parquet =
                        (org.apache.parquet.column.Dictionary) PARQUET_DICTIONARY.get(dictionary);
                if (parquet != dictionaries[column]) {
                    dictionaries[column] = parquet;
                    entries[column] = new byte[parquet.getMaxId() + 1][];
                }
                vector.setDictionary(new Shared((ParquetDictionary) dictionary, entries[column]));
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Flink's dictionary, with each string entry decoded once. */
    private static final class Shared implements Dictionary {

        private final ParquetDictionary dictionary;
        private final byte[][] entries;

        Shared(ParquetDictionary dictionary, byte[][] entries) {
            this.dictionary = dictionary;
            this.entries = entries;
        }

        @Override
        public byte[] decodeToBinary(int id) {
            byte[] entry = entries[id];
            if (entry == null) {
                entry = dictionary.decodeToBinary(id);
                entries[id] = entry;
            }
            return entry;
        }

        @Override
        public int decodeToInt(int id) {
            return dictionary.decodeToInt(id);
        }

        @Override
        public long decodeToLong(int id) {
            return dictionary.decodeToLong(id);
        }

        @Override
        public float decodeToFloat(int id) {
            return dictionary.decodeToFloat(id);
        }

        @Override
        public double decodeToDouble(int id) {
            return dictionary.decodeToDouble(id);
        }

        @Override
        public TimestampData decodeToTimestamp(int id) {
            return dictionary.decodeToTimestamp(id);
        }
    }
}
