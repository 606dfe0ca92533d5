package io.flowbundle.parquet;

import io.flowbundle.config.ConfigException;
import java.io.Serializable;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.utils.ProjectedRowData;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeRoot;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.utils.LogicalTypeChecks;

/**
 * Hive-style partitioning of a dataset ({@code window_date=2026-11-01/}) over the columns of a row.
 *
 * <p>A partition column is either a column of the row (written into the path, left out of the
 * files, as Hive and Spark do) or a date derived from a timestamp column when the row has none of
 * that name: {@code date} is the date of the pipeline's event-time column, and {@code X_date} the
 * date of {@code X_start} or of {@code X} (so {@code window_date} is the date of {@code
 * window_start}). Dates are UTC.
 */
public final class Partitioning implements Serializable {

    private static final long serialVersionUID = 1L;

    /** How one partition value is computed. */
    private record Key(
            String name,
            int index,
            LogicalType type,
            boolean dateOfTimestamp,
            RowData.FieldGetter getter)
            implements Serializable {}

    private final List<Key> keys;
    private final int[] writtenColumns;
    private final RowType writtenType;

    /** The last date rendered, per key: rows come in long runs of one date. */
    private transient int[] lastDay;

    private transient String[] lastDate;

    private Partitioning(List<Key> keys, int[] writtenColumns, RowType writtenType) {
        this.keys = keys;
        this.writtenColumns = writtenColumns;
        this.writtenType = writtenType;
    }

    public static Partitioning none(RowType rowType) {
        int[] all = new int[rowType.getFieldCount()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        return new Partitioning(List.of(), all, rowType);
    }

    /**
     * @param eventTime the pipeline's event-time column, which {@code date} derives from
     * @param where names the spec key in error messages
     */
    public static Partitioning of(
            RowType rowType, List<String> partitionBy, String eventTime, String where) {
        List<Key> keys = new ArrayList<>();
        List<String> names = rowType.getFieldNames();
        List<Integer> physical = new ArrayList<>();
        for (String name : partitionBy) {
            int index = names.indexOf(name);
            if (index >= 0) {
                LogicalType type = rowType.getTypeAt(index);
                if (type.getTypeRoot() == LogicalTypeRoot.ROW) {
                    throw new ConfigException(
                            where + ": cannot partition by nested column '" + name + "'");
                }
                keys.add(new Key(name, index, type, false, RowData.createFieldGetter(type, index)));
                physical.add(index);
                continue;
            }
            Optional<Integer> source = derivedSource(names, rowType, name, eventTime);
            if (source.isEmpty()) {
                throw new ConfigException(
                        where
                                + ": partition column '"
                                + name
                                + "' is not a column of the rows ("
                                + String.join(", ", names)
                                + ") and cannot be derived from one; add it to the SELECT, or"
                                + " name a date of a timestamp column (date, <column>_date)");
            }
            LogicalType sourceType = rowType.getTypeAt(source.get());
            keys.add(
                    new Key(
                            name,
                            source.get(),
                            sourceType,
                            true,
                            RowData.createFieldGetter(sourceType, source.get())));
        }
        List<Integer> written = new ArrayList<>();
        List<RowType.RowField> writtenFields = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            if (!physical.contains(i)) {
                written.add(i);
                writtenFields.add(rowType.getFields().get(i));
            }
        }
        if (writtenFields.isEmpty()) {
            throw new ConfigException(
                    where
                            + ": every column is a partition column; nothing would be written to the files");
        }
        return new Partitioning(
                List.copyOf(keys),
                written.stream().mapToInt(Integer::intValue).toArray(),
                new RowType(true, writtenFields));
    }

    private static Optional<Integer> derivedSource(
            List<String> names, RowType rowType, String name, String eventTime) {
        List<String> candidates = new ArrayList<>();
        if (name.equals("date") && eventTime != null) {
            candidates.add(eventTime);
        }
        if (name.endsWith("_date")) {
            String stem = name.substring(0, name.length() - "_date".length());
            candidates.add(stem + "_start");
            candidates.add(stem);
        }
        for (String candidate : candidates) {
            int index = names.indexOf(candidate);
            if (index >= 0 && isTimestamp(rowType.getTypeAt(index))) {
                return Optional.of(index);
            }
        }
        return Optional.empty();
    }

    private static boolean isTimestamp(LogicalType type) {
        return type.getTypeRoot() == LogicalTypeRoot.TIMESTAMP_WITHOUT_TIME_ZONE
                || type.getTypeRoot() == LogicalTypeRoot.TIMESTAMP_WITH_LOCAL_TIME_ZONE;
    }

    public boolean isPartitioned() {
        return !keys.isEmpty();
    }

    public List<String> keyNames() {
        return keys.stream().map(Key::name).toList();
    }

    /** True when the only partition column holds dates, so a logical date names one partition. */
    public boolean isDatePartitioned() {
        return keys.size() == 1
                && (keys.get(0).dateOfTimestamp()
                        || keys.get(0).type().getTypeRoot() == LogicalTypeRoot.DATE);
    }

    /** The row type written into the files: the row without its physical partition columns. */
    public RowType writtenType() {
        return writtenType;
    }

    /** {@code k1=v1/k2=v2}, or the empty string when not partitioned. */
    public String partitionPath(RowData row) {
        if (keys.isEmpty()) {
            return "";
        }
        if (keys.size() == 1) {
            return partitionPart(row, 0);
        }
        StringBuilder path = new StringBuilder();
        for (int i = 0; i < keys.size(); i++) {
            if (path.length() > 0) {
                path.append('/');
            }
            path.append(partitionPart(row, i));
        }
        return path.toString();
    }

    /** {@code key=value} for key {@code i}; a date derived from a timestamp is cached by day. */
    private String partitionPart(RowData row, int i) {
        Key key = keys.get(i);
        if (key.dateOfTimestamp() && !row.isNullAt(key.index())) {
            if (lastDay == null) {
                lastDay = new int[keys.size()];
                lastDate = new String[keys.size()];
            }
            int day = (int) Math.floorDiv(timestampMillis(row, key), 86_400_000L);
            if (lastDate[i] == null || lastDay[i] != day) {
                lastDay[i] = day;
                lastDate[i] = key.name() + "=" + LocalDate.ofEpochDay(day);
            }
            return lastDate[i];
        }
        return key.name() + "=" + escape(value(row, key));
    }

    /** A view of the row with only the written columns; reusable, not thread-safe. */
    public ProjectedRowData projection() {
        return ProjectedRowData.from(writtenColumns);
    }

    private static String value(RowData row, Key key) {
        if (row.isNullAt(key.index())) {
            return "__HIVE_DEFAULT_PARTITION__";
        }
        if (key.dateOfTimestamp()) {
            return LocalDate.ofEpochDay(Math.floorDiv(timestampMillis(row, key), 86_400_000L))
                    .toString();
        }
        Object value = key.getter().getFieldOrNull(row);
        if (key.type().getTypeRoot() == LogicalTypeRoot.DATE) {
            return LocalDate.ofEpochDay((Integer) value).toString();
        }
        return String.valueOf(value);
    }

    private static long timestampMillis(RowData row, Key key) {
        return row.getTimestamp(key.index(), LogicalTypeChecks.getPrecision(key.type()))
                .getMillisecond();
    }

    /** Hive's escaping of path-unsafe characters. */
    static String escape(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (char c : value.toCharArray()) {
            if (c < 0x20 || "\"#%'*/:=?\\\u007F{[]^".indexOf(c) >= 0) {
                out.append('%').append(String.format("%02X", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
