package io.flowbundle.lineage;

import io.flowbundle.pipeline.ColumnUse;
import io.flowbundle.pipeline.ColumnUse.Use;
import io.openlineage.client.OpenLineage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.flink.table.types.logical.RowType;

/**
 * Which input columns each output column of a dataset comes from, and how, as OpenLineage column
 * lineage. For the transform's output it is the pipeline's own {@link ColumnUse} (the analysis that
 * also decides which columns are shuffled), so lineage reports exactly what the job reads.
 *
 * @param fields per output column, in order, the uses of input columns behind its values
 * @param dataset the uses of input columns that decide which rows come out (OpenLineage's
 *     dataset-level lineage)
 */
public record ColumnLineage(Map<String, Set<Use>> fields, Set<Use> dataset) {

    /** Lineage of a dataset whose columns are copies of the input's columns of the same names. */
    public static ColumnLineage identity(List<String> columns) {
        Map<String, Set<Use>> fields = new LinkedHashMap<>();
        for (String column : columns) {
            fields.put(column, Set.of(Use.direct(column, "IDENTITY")));
        }
        return new ColumnLineage(fields, Set.of());
    }

    /** The lineage of what a transform reads. */
    public static ColumnLineage of(ColumnUse uses) {
        return new ColumnLineage(uses.fields(), uses.indirect());
    }

    /**
     * Column lineage of the transform {@code sql} over the view {@code events} of {@code
     * eventsType}.
     *
     * @throws IllegalArgumentException if the plan contains a node whose lineage is not understood
     * @see ColumnUse#derive
     */
    public static ColumnLineage derive(String sql, RowType eventsType, String eventTime) {
        return of(ColumnUse.derive(sql, eventsType, eventTime));
    }

    /** As {@link #derive(String, RowType, String)}, for a transform over several views. */
    public static ColumnLineage derive(String sql, Map<String, ColumnUse.View> views) {
        return of(ColumnUse.derive(sql, views));
    }

    /** The OpenLineage facet, with {@code input} as the dataset every column comes from. */
    public OpenLineage.ColumnLineageDatasetFacet toFacet(OpenLineage ol, Datasets.Id input) {
        return toFacet(ol, view -> input);
    }

    /**
     * The OpenLineage facet, each column named in the dataset of its view ({@code datasets} maps a
     * view to the input dataset it reads).
     */
    public OpenLineage.ColumnLineageDatasetFacet toFacet(
            OpenLineage ol, Function<String, Datasets.Id> datasets) {
        OpenLineage.ColumnLineageDatasetFacetFieldsBuilder facetFields =
                ol.newColumnLineageDatasetFacetFieldsBuilder();
        fields.forEach(
                (output, uses) ->
                        facetFields.put(
                                output,
                                ol.newColumnLineageDatasetFacetFieldsAdditionalBuilder()
                                        .inputFields(inputFields(ol, datasets, uses))
                                        .build()));
        return ol.newColumnLineageDatasetFacetBuilder()
                .fields(facetFields.build())
                .dataset(inputFields(ol, datasets, dataset))
                .build();
    }

    private static List<OpenLineage.InputField> inputFields(
            OpenLineage ol, Function<String, Datasets.Id> datasets, Set<Use> uses) {
        Map<Map.Entry<String, String>, List<OpenLineage.InputFieldTransformations>> byColumn =
                new LinkedHashMap<>();
        for (Use use : uses) {
            byColumn.computeIfAbsent(Map.entry(use.view(), use.column()), c -> new ArrayList<>())
                    .add(
                            ol.newInputFieldTransformationsBuilder()
                                    .type(use.type())
                                    .subtype(use.subtype())
                                    .build());
        }
        List<OpenLineage.InputField> out = new ArrayList<>();
        byColumn.forEach(
                (column, transformations) ->
                        out.add(
                                ol.newInputFieldBuilder()
                                        .namespace(datasets.apply(column.getKey()).namespace())
                                        .name(datasets.apply(column.getKey()).name())
                                        .field(column.getValue())
                                        .transformations(transformations)
                                        .build()));
        return out;
    }
}
