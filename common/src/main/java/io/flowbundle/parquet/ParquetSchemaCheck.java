package io.flowbundle.parquet;

import io.flowbundle.FlowbundleException;
import io.flowbundle.contract.Column;
import io.flowbundle.contract.ColumnType;
import io.flowbundle.contract.Contract;
import io.flowbundle.contract.UnknownColumn;
import io.flowbundle.contract.UnknownFields;
import io.flowbundle.fs.Locations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * Checks the footers of Parquet files against a contract before a job starts, because Flink's
 * reader silently fills a missing column with nulls and fails on a type mismatch with a message
 * that names neither the file nor the column.
 *
 * <p>A required column must be present in every file; an optional column may be absent (read as
 * null) so that data written before a compatible contract change (a new optional column) stays
 * readable. A column that is present must have a type Flink can read as the contract's type.
 */
public final class ParquetSchemaCheck {

    private ParquetSchemaCheck() {}

    /** Counts gathered while checking: rows and bytes by footer, for audit and lineage. */
    public record Stats(long files, long rows, long bytes) {}

    /**
     * What one file's footer says against the contract.
     *
     * @param file the local file (null for a file on object storage: the problems name it)
     * @param rows the footer's row count (0 when the footer cannot be read)
     * @param problems one line each, naming the file and the column; empty when the file is fine
     */
    /**
     * @param unknownColumns the dotted paths of the file's columns (and fields of nested rows) the
     *     contract does not name, which a run never reads; {@code _unknown} is not one where the
     *     contract keeps unknown fields there
     */
    public record FileSchema(
            Path file, long rows, long bytes, List<String> problems, List<String> unknownColumns) {
        public FileSchema {
            problems = List.copyOf(problems);
            unknownColumns = List.copyOf(unknownColumns);
        }

        public FileSchema(Path file, long rows, long bytes, List<String> problems) {
            this(file, rows, bytes, problems, List.of());
        }

        public boolean ok() {
            return problems.isEmpty();
        }
    }

    /** Fails on the first problem of the first file that has one. */
    public static Stats check(List<Path> files, Contract contract) {
        long rows = 0;
        long bytes = 0;
        for (Path file : files) {
            FileSchema schema = inspect(file, contract);
            if (!schema.ok()) {
                throw new FlowbundleException(schema.problems().get(0));
            }
            rows += schema.rows();
            bytes += schema.bytes();
        }
        return new Stats(files.size(), rows, bytes);
    }

    /**
     * As {@link #check}, for files on any Flink file system: local ones as there, object-store ones
     * with their footers read through Flink's input streams (a few ranged GETs each).
     */
    public static Stats checkLocations(
            List<org.apache.flink.core.fs.Path> files, Contract contract) {
        long rows = 0;
        long bytes = 0;
        for (org.apache.flink.core.fs.Path file : files) {
            FileSchema schema = inspect(file, contract);
            if (!schema.ok()) {
                throw new FlowbundleException(schema.problems().get(0));
            }
            rows += schema.rows();
            bytes += schema.bytes();
        }
        return new Stats(files.size(), rows, bytes);
    }

    /** Every problem of one file (a missing or mistyped column each), without failing. */
    public static FileSchema inspect(Path file, Contract contract) {
        return inspect(file.toString(), file, () -> new LocalInputFile(file), contract);
    }

    /**
     * As {@link #inspect(Path, Contract)}, for a file on any Flink file system (on object storage
     * the footer is read with ranged reads).
     */
    public static FileSchema inspect(org.apache.flink.core.fs.Path file, Contract contract) {
        return Locations.isLocal(file)
                ? inspect(Locations.toLocal(file), contract)
                : inspect(file.toString(), null, () -> FlinkInputFile.open(file), contract);
    }

    /** Opens a Parquet file, or fails. */
    interface Opener {
        InputFile open() throws IOException;
    }

    private static FileSchema inspect(String name, Path file, Opener opener, Contract contract) {
        MessageType schema;
        long rows;
        long bytes;
        try {
            InputFile input = opener.open();
            try (ParquetFileReader reader = ParquetFileReader.open(input)) {
                schema = reader.getFooter().getFileMetaData().getSchema();
                rows = reader.getRecordCount();
                bytes = input.getLength();
            }
        } catch (Exception e) {
            if (file != null) {
                return new FileSchema(file, 0, 0, List.of(unreadable(file, e)));
            }
            return new FileSchema(
                    file,
                    0,
                    0,
                    List.of(
                            name
                                    + ": not a readable Parquet file ("
                                    // Parquet names the file by its reader object's identity
                                    + rootMessage(e)
                                            .replaceAll("\\b[\\w.$]+@\\p{XDigit}+\\b", "the file")
                                    + "); move it out of the source folder or replace it"));
        }
        List<String> problems = new ArrayList<>();
        for (Column column : contract.columns()) {
            checkColumn(
                    name,
                    schema,
                    column.name(),
                    column.type(),
                    column.required(),
                    contract,
                    problems);
        }
        List<String> unknown = new ArrayList<>();
        for (Type field : schema.getFields()) {
            if (!(field.getName().equals(UnknownColumn.NAME)
                    && contract.unknownFields() == UnknownFields.KEEP)) {
                unknownColumns(
                        field, contract.column(field.getName()).map(Column::type), "", unknown);
            }
        }
        return new FileSchema(file, rows, bytes, problems, unknown);
    }

    private static void unknownColumns(
            Type field, Optional<ColumnType> known, String prefix, List<String> unknown) {
        String path = prefix + field.getName();
        if (known.isEmpty()) {
            unknown.add(path);
            return;
        }
        if (known.get().kind() != ColumnType.Kind.ROW || field.isPrimitive()) {
            return;
        }
        for (Type nested : field.asGroupType().getFields()) {
            Optional<ColumnType> type =
                    known.get().fields().stream()
                            .filter(f -> f.name().equals(nested.getName()))
                            .map(ColumnType.Field::type)
                            .findFirst();
            unknownColumns(nested, type, path + ".", unknown);
        }
    }

    /** Why a file's footer cannot be read, and what to do; one line. */
    private static String unreadable(Path file, Exception e) {
        // the local reader reports both as a FileNotFoundException naming the path
        if (!Files.exists(file)) {
            return file
                    + ": disappeared after the source was listed (deleted or moved while the run"
                    + " started); rerun once nothing writes to or cleans up the source folder";
        }
        if (!Files.isReadable(file)) {
            return file
                    + ": cannot be read (permission denied); let the user running flowbundle read it";
        }
        return file
                + ": not a readable Parquet file ("
                // Parquet names the file by its reader object's identity
                + rootMessage(e).replaceAll("\\b[\\w.$]+@\\p{XDigit}+\\b", "the file")
                + "); move it out of the source folder or replace it";
    }

    private static void checkColumn(
            String file,
            GroupType group,
            String path,
            ColumnType expected,
            boolean required,
            Contract contract,
            List<String> problems) {
        String name = path.substring(path.lastIndexOf('.') + 1);
        if (!group.containsField(name)) {
            if (!required) {
                return;
            }
            List<String> present = new ArrayList<>();
            for (Type field : group.getFields()) {
                present.add(field.getName());
            }
            problems.add(
                    file
                            + ": column '"
                            + path
                            + "' is missing; contract "
                            + contract.name()
                            + " requires it (the file has: "
                            + String.join(", ", present)
                            + ")");
            return;
        }
        Type actual = group.getType(name);
        if (actual.isRepetition(Type.Repetition.REPEATED)) {
            problems.add(mismatch(file, path, "a repeated field", expected, contract));
            return;
        }
        if (expected.kind() == ColumnType.Kind.ROW) {
            if (actual.isPrimitive()) {
                problems.add(mismatch(file, path, describe(actual), expected, contract));
                return;
            }
            for (ColumnType.Field field : expected.fields()) {
                checkColumn(
                        file,
                        actual.asGroupType(),
                        path + "." + field.name(),
                        field.type(),
                        false,
                        contract,
                        problems);
            }
            return;
        }
        if (!actual.isPrimitive() || !readableAs(actual.asPrimitiveType(), expected.kind())) {
            problems.add(mismatch(file, path, describe(actual), expected, contract));
        }
    }

    private static boolean readableAs(PrimitiveType type, ColumnType.Kind kind) {
        PrimitiveType.PrimitiveTypeName physical = type.getPrimitiveTypeName();
        LogicalTypeAnnotation annotation = type.getLogicalTypeAnnotation();
        switch (kind) {
            case STRING:
                return physical == PrimitiveType.PrimitiveTypeName.BINARY
                        && (annotation == null
                                || annotation
                                        instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
                                || annotation
                                        instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation
                                || annotation
                                        instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation);
            case INT:
                return physical == PrimitiveType.PrimitiveTypeName.INT32
                        && (annotation == null
                                || annotation
                                        instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation);
            case BIGINT:
                return physical == PrimitiveType.PrimitiveTypeName.INT64
                        && (annotation == null
                                || annotation
                                        instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation);
            case DOUBLE:
                return physical == PrimitiveType.PrimitiveTypeName.DOUBLE;
            case BOOLEAN:
                return physical == PrimitiveType.PrimitiveTypeName.BOOLEAN;
            case DATE:
                return physical == PrimitiveType.PrimitiveTypeName.INT32
                        && annotation instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation;
            case TIMESTAMP:
                return physical == PrimitiveType.PrimitiveTypeName.INT96
                        || (physical == PrimitiveType.PrimitiveTypeName.INT64
                                && annotation
                                        instanceof
                                        LogicalTypeAnnotation.TimestampLogicalTypeAnnotation);
            default:
                return false;
        }
    }

    private static String describe(Type type) {
        if (!type.isPrimitive()) {
            return "a group (nested row)";
        }
        PrimitiveType primitive = type.asPrimitiveType();
        LogicalTypeAnnotation annotation = primitive.getLogicalTypeAnnotation();
        return primitive.getPrimitiveTypeName().name().toLowerCase()
                + (annotation == null ? "" : " (" + annotation + ")");
    }

    private static String mismatch(
            String file, String path, String actual, ColumnType expected, Contract contract) {
        return file
                + ": column '"
                + path
                + "' is "
                + actual
                + " in the file, but contract "
                + contract.name()
                + " says "
                + expected;
    }

    /** The innermost cause's message: Parquet wraps the useful one several levels deep. */
    public static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
