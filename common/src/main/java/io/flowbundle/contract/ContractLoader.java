package io.flowbundle.contract;

import io.flowbundle.config.ConfigNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads a contract YAML file; every error names the file and the key. */
public final class ContractLoader {

    private ContractLoader() {}

    public static Contract load(Path file) {
        return parse(ConfigNode.load(file));
    }

    public static Contract parse(ConfigNode root) {
        root.allowOnly(
                "name",
                "schema_version",
                "owner",
                "source",
                "description",
                "retention_days",
                "primary_key",
                "columns",
                "unknown_fields");
        String name = root.text("name");
        int schemaVersion = root.get("schema_version").intValue();
        if (schemaVersion < 1) {
            throw root.get("schema_version").error("schema_version: must be 1 or more");
        }
        Integer retentionDays = null;
        if (root.has("retention_days")) {
            retentionDays = root.get("retention_days").intValue();
            if (retentionDays < 1) {
                throw root.error("retention_days: must be 1 or more (days)");
            }
        }
        List<Column> columns = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (ConfigNode columnNode : root.get("columns").elements()) {
            Column column = parseColumn(columnNode);
            if (!seen.add(column.name())) {
                throw columnNode.error(
                        columnNode.keyPath()
                                + ": column '"
                                + column.name()
                                + "' is declared twice");
            }
            columns.add(column);
        }
        if (columns.isEmpty()) {
            throw root.error("columns: a contract needs at least one column");
        }
        List<String> primaryKey =
                root.has("primary_key") ? root.get("primary_key").textList() : List.of();
        for (String key : primaryKey) {
            if (!seen.contains(key)) {
                throw root.get("primary_key")
                        .error(
                                "primary_key: '"
                                        + key
                                        + "' is not a column of the contract (columns: "
                                        + String.join(
                                                ", ", columns.stream().map(Column::name).toList())
                                        + ")");
            }
        }
        UnknownFields unknownFields = UnknownFields.KEEP;
        if (root.has("unknown_fields")) {
            String text = root.get("unknown_fields").text();
            unknownFields = UnknownFields.of(text);
            if (unknownFields == null) {
                throw root.get("unknown_fields")
                        .error(
                                "unknown_fields: '"
                                        + text
                                        + "' is not an option; use keep (keep fields the contract"
                                        + " does not name in the column _unknown, the default),"
                                        + " drop (skip them) or reject (reject the record)");
            }
        }
        if (unknownFields == UnknownFields.KEEP && seen.contains(UnknownColumn.NAME)) {
            ConfigNode columnNode =
                    root.get("columns")
                            .elements()
                            .get(
                                    columns.stream()
                                            .map(Column::name)
                                            .toList()
                                            .indexOf(UnknownColumn.NAME));
            throw columnNode.error(
                    columnNode.keyPath()
                            + ": the column name "
                            + UnknownColumn.NAME
                            + " is where unknown_fields: keep puts the fields the contract does not"
                            + " name; rename the column, or set unknown_fields: drop or reject");
        }
        return new Contract(
                name,
                schemaVersion,
                root.text("owner", "unknown"),
                root.text("source", null),
                root.text("description", null),
                retentionDays,
                primaryKey,
                columns,
                root.file().toString(),
                unknownFields);
    }

    private static Column parseColumn(ConfigNode node) {
        node.allowOnly("name", "type", "required", "min", "max", "allowed", "description");
        String name = node.text("name");
        ColumnType type = parseType(node.get("type"));
        Double min = node.has("min") ? node.get("min").doubleValue() : null;
        Double max = node.has("max") ? node.get("max").doubleValue() : null;
        if ((min != null || max != null) && !type.kind().isNumeric()) {
            throw node.error(
                    node.keyPath()
                            + ": min/max apply to int, bigint and double columns; '"
                            + name
                            + "' is "
                            + type);
        }
        if (min != null && max != null && min > max) {
            throw node.error(node.keyPath() + ": min " + min + " is greater than max " + max);
        }
        List<String> allowed = node.has("allowed") ? node.get("allowed").textList() : List.of();
        if (!allowed.isEmpty()
                && type.kind() != ColumnType.Kind.STRING
                && type.kind() != ColumnType.Kind.INT
                && type.kind() != ColumnType.Kind.BIGINT) {
            throw node.error(
                    node.keyPath() + ": allowed applies to string, int and bigint columns");
        }
        return new Column(
                name,
                type,
                node.booleanValue("required", false),
                min,
                max,
                allowed,
                node.text("description", null));
    }

    /** {@code string}, or a nested row written as a mapping {@code {room: string, ...}}. */
    static ColumnType parseType(ConfigNode node) {
        if (node.isMap()) {
            List<ColumnType.Field> fields = new ArrayList<>();
            for (Map.Entry<String, ConfigNode> entry : node.entries()) {
                fields.add(new ColumnType.Field(entry.getKey(), parseType(entry.getValue())));
            }
            if (fields.isEmpty()) {
                throw node.error(node.keyPath() + ": a nested row needs at least one field");
            }
            return ColumnType.row(fields);
        }
        String text = node.text();
        ColumnType.Kind kind = ColumnType.kindOf(text);
        if (kind == null) {
            throw node.error(
                    node.keyPath()
                            + ": unknown type '"
                            + text
                            + "'; use string, int, bigint, double, boolean, date, timestamp"
                            + " or a nested row such as {room: string}");
        }
        return ColumnType.of(kind);
    }
}
