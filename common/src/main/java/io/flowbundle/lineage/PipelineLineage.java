package io.flowbundle.lineage;

import io.flowbundle.contract.Contract;
import io.flowbundle.contract.RowValidator;
import io.flowbundle.pipeline.RunCounts;
import io.flowbundle.pipeline.RunInfo;
import io.flowbundle.spec.PipelineSpec;
import io.openlineage.client.OpenLineage;
import io.openlineage.client.OpenLineage.RunEvent.EventType;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.apache.flink.table.types.logical.RowType;

/**
 * The OpenLineage events of one pipeline run, the same for both modes: START, RUNNING (streaming,
 * periodically), COMPLETE, FAIL or ABORT. Datasets carry the facets a catalog needs: schema and
 * ownership from the contracts, data source, statistics, data quality assertions (one per contract
 * rule, with counts), column lineage derived from the transform's plan, lifecycle (OVERWRITE for a
 * replaced partition), and the contract's schema_version and retention_days.
 */
public final class PipelineLineage {

    public static final URI PRODUCER = URI.create("https://flowbundle.io/flowbundle/" + version());

    /** What the run read. */
    public record Input(Long rows, Long bytes, Long files) {}

    /**
     * One dataset the run writes, and what it wrote there.
     *
     * @param contract null when none applies (the quarantine)
     */
    public record Output(
            String role, Datasets.Id dataset, RowType rowType, Contract contract, Written written) {
        public Long rows() {
            return written.rows();
        }

        public Long bytes() {
            return written.bytes();
        }

        public Long files() {
            return written.files();
        }

        public boolean overwrote() {
            return written.overwrote();
        }
    }

    /**
     * What a run wrote into a dataset; null counts where unknown (not yet, or not by this sink).
     *
     * @param overwrote whether it replaced data that was there (a rerun's partition)
     */
    public record Written(Long rows, Long bytes, Long files, boolean overwrote) {
        public static final Written NOTHING_YET = new Written(null, null, null, false);
    }

    private final OpenLineage ol = new OpenLineage(PRODUCER);
    private final DatasetFacets datasetFacets = new DatasetFacets(ol);
    private final String namespace;
    private final PipelineSpec spec;
    private final RunInfo run;
    private final ColumnLineage columnLineage;
    private final Datasets.Id input;
    private final Map<String, Input> otherReads = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * @param columnLineage the transform's column lineage, or null if it could not be derived
     */
    public PipelineLineage(
            String namespace, PipelineSpec spec, RunInfo run, ColumnLineage columnLineage) {
        this.namespace = namespace;
        this.spec = spec;
        this.run = run;
        this.columnLineage = columnLineage;
        this.input = spec.source().dataset();
    }

    /** What an input besides the main one holds, known before the job (its files, rows, bytes). */
    public void read(String view, Input read) {
        otherReads.put(view, read);
    }

    /** The input dataset the view {@code view} reads. */
    private Datasets.Id datasetOf(String view) {
        for (PipelineSpec.Input other : spec.otherInputs()) {
            if (other.view().equals(view)) {
                return other.source().dataset();
            }
        }
        return input;
    }

    public OpenLineage.RunEvent start(Input read, List<Output> outputs) {
        return event(EventType.START, runFacets(null), inputs(read, null), outputs(outputs, false));
    }

    public OpenLineage.RunEvent running(RunCounts counts, List<Output> outputs) {
        return event(
                EventType.RUNNING,
                runFacets(null),
                inputs(new Input(counts.consumed(), null, null), counts),
                outputs(outputs, true));
    }

    public OpenLineage.RunEvent complete(Input read, RunCounts counts, List<Output> outputs) {
        return event(
                EventType.COMPLETE, runFacets(null), inputs(read, counts), outputs(outputs, true));
    }

    public OpenLineage.RunEvent fail(
            Input read, List<Output> outputs, String message, Throwable error) {
        return event(
                EventType.FAIL,
                runFacets(errorFacet(message, error)),
                inputs(read, null),
                outputs(outputs, false));
    }

    public OpenLineage.RunEvent abort(Input read, RunCounts counts, List<Output> outputs) {
        return event(
                EventType.ABORT, runFacets(null), inputs(read, counts), outputs(outputs, true));
    }

    private OpenLineage.RunEvent event(
            EventType type,
            OpenLineage.RunFacets runFacets,
            List<OpenLineage.InputDataset> inputs,
            List<OpenLineage.OutputDataset> outputs) {
        return ol.newRunEventBuilder()
                .eventType(type)
                .eventTime(ZonedDateTime.now(ZoneOffset.UTC))
                .run(ol.newRun(UUID.fromString(run.runId()), runFacets))
                .job(ol.newJob(namespace, spec.name(), jobFacets()))
                .inputs(inputs)
                .outputs(outputs)
                .build();
    }

    private OpenLineage.JobFacets jobFacets() {
        return ol.newJobFacetsBuilder()
                .jobType(
                        ol.newJobTypeJobFacetBuilder()
                                .processingType(run.isBatch() ? "BATCH" : "STREAMING")
                                .integration("FLINK")
                                .jobType("JOB")
                                .build())
                .sql(ol.newSQLJobFacetBuilder().query(spec.transform()).dialect("flink").build())
                .build();
    }

    private OpenLineage.RunFacets runFacets(OpenLineage.ErrorMessageRunFacet error) {
        OpenLineage.RunFacetsBuilder facets =
                ol.newRunFacetsBuilder()
                        .processing_engine(
                                ol.newProcessingEngineRunFacetBuilder()
                                        .name("flink")
                                        .version(EnvironmentInformation.getVersion())
                                        .openlineageAdapterVersion(version())
                                        .build());
        if (run.logicalDate() != null) {
            ZonedDateTime start = run.logicalDate().atStartOfDay(ZoneOffset.UTC);
            facets.nominalTime(
                    ol.newNominalTimeRunFacetBuilder()
                            .nominalStartTime(start)
                            .nominalEndTime(start.plusDays(1))
                            .build());
        }
        if (error != null) {
            facets.errorMessage(error);
        }
        return facets.build();
    }

    private OpenLineage.ErrorMessageRunFacet errorFacet(String message, Throwable error) {
        OpenLineage.ErrorMessageRunFacetBuilder facet =
                ol.newErrorMessageRunFacetBuilder().message(message).programmingLanguage("JAVA");
        if (error != null) {
            StringWriter trace = new StringWriter();
            error.printStackTrace(new PrintWriter(trace));
            facet.stackTrace(trace.toString());
        }
        return facet.build();
    }

    /** Every input dataset with its schema, the main one first. */
    private List<OpenLineage.InputDataset> inputs(Input read, RunCounts counts) {
        List<OpenLineage.InputDataset> out = new ArrayList<>();
        out.add(input(input, spec.contract(), read, counts));
        for (PipelineSpec.Input other : spec.otherInputs()) {
            RunCounts theirs = counts == null ? null : counts.ofInput(other.view());
            Input known = otherReads.get(other.view());
            if (known == null && theirs != null) {
                known = new Input(theirs.consumed(), null, null);
            }
            out.add(input(other.source().dataset(), other.contract(), known, theirs));
        }
        return out;
    }

    private OpenLineage.InputDataset input(
            Datasets.Id input, Contract contract, Input read, RunCounts counts) {
        OpenLineage.InputDatasetInputFacetsBuilder inputFacets =
                ol.newInputDatasetInputFacetsBuilder();
        if (read != null && (read.rows() != null || read.bytes() != null)) {
            inputFacets.inputStatistics(
                    ol.newInputStatisticsInputDatasetFacetBuilder()
                            .rowCount(read.rows())
                            .size(read.bytes())
                            .fileCount(read.files())
                            .build());
        }
        if (counts != null) {
            inputFacets.dataQualityAssertions(
                    assertions(contract, counts.ruleCounts("input"), counts.consumed()));
        }
        return ol.newInputDatasetBuilder()
                .namespace(input.namespace())
                .name(input.name())
                .facets(datasetFacets.build(input, contract, contract.rowType(), null, null))
                .inputFacets(inputFacets.build())
                .build();
    }

    /** One assertion per contract rule: passed when no row broke it. */
    private OpenLineage.DataQualityAssertionsDatasetFacet assertions(
            Contract contract, Map<String, Long> failures, long checked) {
        List<OpenLineage.DataQualityAssertionsDatasetFacetAssertions> list = new ArrayList<>();
        new RowValidator(contract)
                .rules()
                .forEach(
                        (ruleId, description) -> {
                            long failed = failures.getOrDefault(ruleId, 0L);
                            int colon = ruleId.indexOf(':');
                            list.add(
                                    ol.newDataQualityAssertionsDatasetFacetAssertionsBuilder()
                                            .assertion(ruleId.substring(0, colon))
                                            .column(ruleId.substring(colon + 1))
                                            .success(failed == 0)
                                            .name(ruleId)
                                            .description(description)
                                            .expected("0 violations")
                                            .actual(failed + " of " + checked + " records")
                                            .build());
                        });
        return ol.newDataQualityAssertionsDatasetFacetBuilder().assertions(list).build();
    }

    private List<OpenLineage.OutputDataset> outputs(List<Output> outputs, boolean withStatistics) {
        List<OpenLineage.OutputDataset> list = new ArrayList<>();
        for (Output output : outputs) {
            Datasets.Id id = output.dataset();
            OpenLineage.OutputDatasetOutputFacetsBuilder outputFacets =
                    ol.newOutputDatasetOutputFacetsBuilder();
            if (withStatistics && output.rows() != null) {
                outputFacets.outputStatistics(
                        ol.newOutputStatisticsOutputDatasetFacetBuilder()
                                .rowCount(output.rows())
                                .size(output.bytes())
                                .fileCount(output.files())
                                .build());
            }
            list.add(
                    ol.newOutputDatasetBuilder()
                            .namespace(id.namespace())
                            .name(id.name())
                            .facets(
                                    datasetFacets.build(
                                            id,
                                            output.contract(),
                                            output.rowType(),
                                            columnLineageFor(output),
                                            withStatistics && output.overwrote()
                                                    ? OpenLineage.LifecycleStateChangeDatasetFacet
                                                            .LifecycleStateChange.OVERWRITE
                                                    : null))
                            .outputFacets(outputFacets.build())
                            .build());
        }
        return list;
    }

    private OpenLineage.ColumnLineageDatasetFacet columnLineageFor(Output output) {
        if (output.role().startsWith("output") && columnLineage != null) {
            return columnLineage.toFacet(ol, this::datasetOf);
        }
        if (output.role().equals("staging")) {
            return ColumnLineage.identity(spec.contract().columnNames()).toFacet(ol, input);
        }
        for (PipelineSpec.Input other : spec.otherInputs()) {
            if (output.role().equals("staging-" + other.view())) {
                return ColumnLineage.identity(other.contract().columnNames())
                        .toFacet(ol, other.source().dataset());
            }
        }
        return null;
    }

    static String version() {
        String version = PipelineLineage.class.getPackage().getImplementationVersion();
        return version == null ? "0.1.0" : version;
    }
}
