package io.flowbundle.governance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowbundle.FlowbundleException;
import io.flowbundle.UsageException;
import io.flowbundle.audit.AuditLog;
import io.flowbundle.contract.Contract;
import io.flowbundle.contract.RowValidator;
import io.flowbundle.contract.UnknownColumn;
import io.flowbundle.contract.Violation;
import io.flowbundle.fs.Locations;
import io.flowbundle.parquet.ParquetInputs;
import io.flowbundle.parquet.ParquetRows;
import io.flowbundle.parquet.ParquetSchemaCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.apache.flink.table.types.logical.RowType;

/**
 * Checks data at rest against a contract: every Parquet file's footer (missing and mistyped
 * columns, as {@link ParquetSchemaCheck} does before a run) and every row of the files whose schema
 * is sound (the contract's rules, as {@link RowValidator} applies them in the pipeline).
 *
 * <p>Rows are read in this thread with the jobs' own Parquet reader ({@link ParquetRows}), not by a
 * Flink job: a check of a few million rows then takes seconds, and sees the same values a run
 * would. Unlike the pipeline, which routes a row by the first rule it breaks, the report counts
 * every rule a row breaks, so each rule's count says how much data that rule alone would reject.
 */
public final class ContractCheck {

    /** How many violating values each rule shows as examples. */
    public static final int EXAMPLES_PER_RULE = 3;

    private ContractCheck() {}

    /**
     * One file's outcome.
     *
     * @param rowsChecked false when the schema problems made the rows unreadable or meaningless
     */
    public record FileResult(String file, long rows, boolean rowsChecked, List<String> problems) {
        public FileResult {
            problems = List.copyOf(problems);
        }
    }

    /** One contract rule: how many rows broke it, and the first few of them. */
    public record RuleResult(
            String rule, String description, long violations, List<String> examples) {
        public RuleResult {
            examples = List.copyOf(examples);
        }
    }

    /** The whole check. */
    /**
     * Fields the data has that the contract does not name: columns of the files (with the number of
     * files that have each), and, where the contract keeps unknown fields, what the rows' column
     * {@code _unknown} holds (rows with any, and the most frequent dotted paths with their rows).
     */
    public record Unknown(
            Map<String, Long> columns, long rowsWithUnknownFields, Map<String, Long> topPaths) {
        public Unknown {
            columns = Collections.unmodifiableMap(new LinkedHashMap<>(columns));
            topPaths = Collections.unmodifiableMap(new LinkedHashMap<>(topPaths));
        }

        public boolean none() {
            return columns.isEmpty() && rowsWithUnknownFields == 0;
        }
    }

    public record Report(
            Contract contract,
            String path,
            List<FileResult> files,
            long rowsChecked,
            long rowsWithViolations,
            List<RuleResult> rules,
            Unknown unknown) {

        public Report {
            files = List.copyOf(files);
            rules = List.copyOf(rules);
        }

        public List<FileResult> filesWithProblems() {
            return files.stream().filter(f -> !f.problems().isEmpty()).toList();
        }

        public long violations() {
            return rules.stream().mapToLong(RuleResult::violations).sum();
        }

        public boolean clean() {
            return filesWithProblems().isEmpty() && violations() == 0;
        }

        public String text() {
            StringBuilder out = new StringBuilder();
            out.append("contract ")
                    .append(contract.name())
                    .append(" (schema_version ")
                    .append(contract.schemaVersion())
                    .append(") against ")
                    .append(path)
                    .append('\n');
            out.append("files checked: ")
                    .append(files.size())
                    .append(", rows checked: ")
                    .append(rowsChecked)
                    .append(" (")
                    .append(rowsWithViolations)
                    .append(" with violations)\n");
            List<FileResult> bad = filesWithProblems();
            out.append("\nschema problems: ")
                    .append(bad.isEmpty() ? "none" : bad.size() + " file(s)")
                    .append('\n');
            for (FileResult file : bad) {
                for (String problem : file.problems()) {
                    out.append("  ").append(problem).append('\n');
                }
                if (!file.rowsChecked()) {
                    out.append("  ").append(file.file()).append(": rows not checked\n");
                }
            }
            out.append(
                            "\nunknown columns (in the files, not in the contract; a run does not read"
                                    + " them): ")
                    .append(unknown.columns().isEmpty() ? "none" : "")
                    .append('\n');
            unknown.columns()
                    .forEach(
                            (column, n) ->
                                    out.append("  ")
                                            .append(column)
                                            .append(" (")
                                            .append(n)
                                            .append(" file(s))\n"));
            if (unknown.rowsWithUnknownFields() > 0) {
                out.append("unknown fields kept in ")
                        .append(UnknownColumn.NAME)
                        .append(": ")
                        .append(unknown.rowsWithUnknownFields())
                        .append(" row(s); most frequent:");
                unknown.topPaths()
                        .forEach(
                                (field, n) ->
                                        out.append(' ')
                                                .append(field)
                                                .append(" (")
                                                .append(n)
                                                .append(')'));
                out.append('\n');
            }
            out.append("\nrule violations:");
            if (rules.isEmpty()) {
                out.append(" none (contract ").append(contract.name()).append(" has no rules)\n");
            } else {
                out.append('\n');
                TextTable table = new TextTable("RULE", "VIOLATIONS", "EXPECTED");
                for (RuleResult rule : rules) {
                    table.row(rule.rule(), rule.violations(), rule.description());
                }
                String[] lines = table.render("  ").split("\n");
                out.append(lines[0]).append('\n');
                for (int i = 0; i < rules.size(); i++) {
                    out.append(lines[i + 1]).append('\n');
                    for (String example : rules.get(i).examples()) {
                        out.append("      e.g. ").append(example).append('\n');
                    }
                }
            }
            out.append("\nresult: ");
            if (clean()) {
                out.append("clean\n");
            } else {
                out.append(bad.size())
                        .append(" file(s) with schema problems, ")
                        .append(violations())
                        .append(" rule violation(s) in ")
                        .append(rowsWithViolations)
                        .append(" row(s)\n");
            }
            return out.toString();
        }

        public String json() {
            ObjectNode root = AuditLog.json().createObjectNode();
            root.put("contract", contract.name());
            root.put("schema_version", contract.schemaVersion());
            root.put("contract_file", contract.location());
            root.put("path", path);
            root.put("clean", clean());
            root.put("files_checked", files.size());
            root.put("files_with_problems", filesWithProblems().size());
            root.put("rows_checked", rowsChecked);
            root.put("rows_with_violations", rowsWithViolations);
            root.put("violations", violations());
            ArrayNode fileNodes = root.putArray("files");
            for (FileResult file : files) {
                ObjectNode node = fileNodes.addObject();
                node.put("file", file.file());
                node.put("rows", file.rows());
                node.put("rows_checked", file.rowsChecked());
                ArrayNode problems = node.putArray("problems");
                file.problems().forEach(problems::add);
            }
            ObjectNode unknownNode = root.putObject("unknown");
            ObjectNode columnNodes = unknownNode.putObject("columns");
            unknown.columns().forEach(columnNodes::put);
            unknownNode.put("rows_with_unknown_fields", unknown.rowsWithUnknownFields());
            ObjectNode pathNodes = unknownNode.putObject("top_paths");
            unknown.topPaths().forEach(pathNodes::put);
            ArrayNode ruleNodes = root.putArray("rules");
            for (RuleResult rule : rules) {
                ObjectNode node = ruleNodes.addObject();
                node.put("rule", rule.rule());
                node.put("expected", rule.description());
                node.put("violations", rule.violations());
                ArrayNode examples = node.putArray("examples");
                rule.examples().forEach(examples::add);
            }
            try {
                return AuditLog.json().writeValueAsString(root);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * Checks one Parquet file, or every {@code *.parquet} below a folder (hidden and {@code _}
     * entries skipped, as the pipeline's sources are listed).
     *
     * @throws UsageException when {@code path} does not exist or holds no Parquet files
     */
    public static Report run(Contract contract, Path path) {
        return run(contract, Locations.local(path));
    }

    /**
     * As {@link #run(Contract, Path)}, at a location on any Flink file system: a local path, or an
     * object-store prefix or object ({@code s3://bucket/sensor-events}), listed and read through
     * Flink's file system (footers with ranged reads); a storage failure is one line.
     */
    public static Report run(Contract contract, org.apache.flink.core.fs.Path location) {
        List<org.apache.flink.core.fs.Path> files;
        String base;
        if (Locations.isLocal(location)) {
            Path path = Locations.toLocal(location);
            if (!Files.exists(path)) {
                throw new UsageException(
                        path + ": no such file or folder; give a Parquet file or a folder of them");
            }
            try {
                files =
                        ParquetInputs.list(path, null, null).stream()
                                .map(Locations::local)
                                .toList();
            } catch (FlowbundleException e) {
                throw new UsageException(e.getMessage());
            }
            base = Files.isDirectory(path) ? location.toString() : location.getParent().toString();
        } else {
            try {
                files = ParquetInputs.list(location, null, null, "PATH");
            } catch (FlowbundleException e) {
                throw new UsageException(e.getMessage());
            }
            boolean single = files.size() == 1 && files.get(0).equals(location);
            base = single ? location.getParent().toString() : location.toString();
        }
        String prefix = base.endsWith("/") ? base : base + "/";
        RowValidator validator = new RowValidator(contract);
        // the contract's columns, and _unknown last where the contract keeps unknown fields there
        RowType rowType = contract.decodedType(null);
        int unknownIndex = UnknownColumn.isLastOf(rowType) ? rowType.getFieldCount() - 1 : -1;
        Map<String, Long> unknownColumns = new LinkedHashMap<>();
        Map<String, Long> unknownPaths = new HashMap<>();
        long[] rowsWithUnknown = new long[1];
        Map<String, Tally> tallies = new LinkedHashMap<>();
        validator.rules().keySet().forEach(rule -> tallies.put(rule, new Tally()));
        List<FileResult> results = new ArrayList<>();
        long rowsChecked = 0;
        long rowsWithViolations = 0;
        for (org.apache.flink.core.fs.Path each : files) {
            String file = Locations.describe(each);
            ParquetSchemaCheck.FileSchema schema = ParquetSchemaCheck.inspect(each, contract);
            schema.unknownColumns().forEach(column -> unknownColumns.merge(column, 1L, Long::sum));
            if (!schema.ok()) {
                // a missing required column would fail every row, a mistyped one cannot be read
                results.add(new FileResult(file, schema.rows(), false, schema.problems()));
                continue;
            }
            String name =
                    each.toString().startsWith(prefix)
                            ? each.toString().substring(prefix.length())
                            : file;
            FileTally fileTally = new FileTally(tallies.keySet());
            long read;
            try {
                read =
                        ParquetRows.forEach(
                                each,
                                rowType,
                                (rowNumber, row) -> {
                                    fileTally.row = rowNumber;
                                    fileTally.broken = false;
                                    validator.forEachViolation(row, fileTally::add);
                                    if (unknownIndex >= 0 && !row.isNullAt(unknownIndex)) {
                                        rowsWithUnknown[0]++;
                                        for (String field :
                                                new LinkedHashSet<>(
                                                        UnknownColumn.paths(
                                                                row.getString(unknownIndex)
                                                                        .toString(),
                                                                contract.rowType()))) {
                                            unknownPaths.merge(field, 1L, Long::sum);
                                        }
                                    }
                                    if (fileTally.broken) {
                                        fileTally.rowsWithViolations++;
                                    }
                                });
            } catch (Exception e) {
                results.add(
                        new FileResult(
                                file,
                                schema.rows(),
                                false,
                                List.of(
                                        file
                                                + ": rows cannot be read ("
                                                + ParquetSchemaCheck.rootMessage(e)
                                                + "); replace the file or move it out of the folder")));
                continue;
            }
            fileTally.mergeInto(tallies, name);
            rowsChecked += read;
            rowsWithViolations += fileTally.rowsWithViolations;
            results.add(new FileResult(file, read, true, List.of()));
        }
        List<RuleResult> rules = new ArrayList<>();
        tallies.forEach(
                (rule, tally) ->
                        rules.add(
                                new RuleResult(
                                        rule,
                                        validator.rules().get(rule),
                                        tally.count,
                                        tally.examples)));
        Map<String, Long> topPaths = new LinkedHashMap<>();
        unknownPaths.entrySet().stream()
                .sorted(
                        Map.Entry.<String, Long>comparingByValue()
                                .reversed()
                                .thenComparing(Map.Entry.comparingByKey()))
                .limit(10)
                .forEach(e -> topPaths.put(e.getKey(), e.getValue()));
        return new Report(
                contract,
                Locations.describe(location),
                results,
                rowsChecked,
                rowsWithViolations,
                rules,
                new Unknown(unknownColumns, rowsWithUnknown[0], topPaths));
    }

    private static final class Tally {
        long count;
        final List<String> examples = new ArrayList<>();
    }

    /** One file's counts, merged only when the whole file could be read. */
    private static final class FileTally {
        final Map<String, Tally> byRule = new LinkedHashMap<>();
        final Map<String, List<Long>> exampleRows = new LinkedHashMap<>();
        long row;
        boolean broken;
        long rowsWithViolations;

        FileTally(Iterable<String> rules) {
            for (String rule : rules) {
                byRule.put(rule, new Tally());
                exampleRows.put(rule, new ArrayList<>());
            }
        }

        void add(Violation violation) {
            broken = true;
            Tally tally = byRule.get(violation.ruleId());
            if (tally == null) {
                throw new IllegalStateException(
                        violation.ruleId() + " is not a rule of the validator");
            }
            tally.count++;
            if (tally.examples.size() < EXAMPLES_PER_RULE) {
                tally.examples.add(violation.message());
                exampleRows.get(violation.ruleId()).add(row);
            }
        }

        void mergeInto(Map<String, Tally> totals, String fileName) {
            byRule.forEach(
                    (rule, tally) -> {
                        Tally total = totals.get(rule);
                        total.count += tally.count;
                        List<Long> rows = exampleRows.get(rule);
                        for (int i = 0;
                                i < tally.examples.size()
                                        && total.examples.size() < EXAMPLES_PER_RULE;
                                i++) {
                            total.examples.add(
                                    fileName
                                            + " row "
                                            + rows.get(i)
                                            + ": "
                                            + tally.examples.get(i));
                        }
                    });
        }
    }
}
