package io.flowbundle.lineage;

import io.flowbundle.contract.Column;
import io.flowbundle.contract.ColumnType;
import io.flowbundle.contract.Contract;
import io.flowbundle.contract.UnknownColumn;
import io.openlineage.client.OpenLineage;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;

/**
 * The facets every flowbundle dataset carries, whichever job emits the event (a pipeline run or a
 * retention run): data source, schema and ownership from its contract, the contract facet, and
 * optionally column lineage and a lifecycle change.
 */
public final class DatasetFacets {

    private final OpenLineage ol;

    public DatasetFacets(OpenLineage ol) {
        this.ol = ol;
    }

    /**
     * @param contract the contract the dataset is held to (schema, ownership, contract facet), or
     *     null to describe it by {@code rowType} alone
     * @param columns column lineage, or null
     * @param lifecycle what the run did to the dataset as a whole, or null
     */
    public OpenLineage.DatasetFacets build(
            Datasets.Id id,
            Contract contract,
            RowType rowType,
            OpenLineage.ColumnLineageDatasetFacet columns,
            OpenLineage.LifecycleStateChangeDatasetFacet.LifecycleStateChange lifecycle) {
        OpenLineage.DatasetFacetsBuilder facets =
                ol.newDatasetFacetsBuilder()
                        .dataSource(
                                ol.newDatasourceDatasetFacetBuilder()
                                        .name(id.namespace())
                                        .uri(id.sourceUri())
                                        .build())
                        .schema(
                                ol.newSchemaDatasetFacetBuilder()
                                        .fields(
                                                contract != null
                                                        ? fields(contract, rowType)
                                                        : fields(rowType))
                                        .build());
        if (contract != null) {
            if (contract.description() != null) {
                facets.documentation(
                        ol.newDocumentationDatasetFacetBuilder()
                                .description(contract.description())
                                .build());
            }
            facets.ownership(
                    ol.newOwnershipDatasetFacetBuilder()
                            .owners(
                                    List.of(
                                            ol.newOwnershipDatasetFacetOwnersBuilder()
                                                    .name(contract.owner())
                                                    .type("team")
                                                    .build()))
                            .build());
            facets.put(ContractFacet.NAME, new ContractFacet(PipelineLineage.PRODUCER, contract));
        }
        if (columns != null) {
            facets.columnLineage(columns);
        }
        if (lifecycle != null) {
            facets.lifecycleStateChange(
                    ol.newLifecycleStateChangeDatasetFacetBuilder()
                            .lifecycleStateChange(lifecycle)
                            .build());
        }
        return facets.build();
    }

    /**
     * The contract's columns, and {@code _unknown} after them where the dataset holds it (the
     * staging layer under {@code unknown_fields: keep}).
     */
    private List<OpenLineage.SchemaDatasetFacetFields> fields(Contract contract, RowType rowType) {
        List<OpenLineage.SchemaDatasetFacetFields> out = new ArrayList<>();
        long ordinal = 1;
        for (Column column : contract.columns()) {
            out.add(field(column.name(), column.type(), column.description(), ordinal++));
        }
        if (rowType != null && UnknownColumn.isLastOf(rowType)) {
            out.add(
                    ol.newSchemaDatasetFacetFieldsBuilder()
                            .name(UnknownColumn.NAME)
                            .type(ColumnType.Kind.STRING.yamlName())
                            .ordinal_position(ordinal)
                            .description(
                                    "the fields of each record that the contract does not name,"
                                            + " as one JSON object (unknown_fields: keep)")
                            .build());
        }
        return out;
    }

    private OpenLineage.SchemaDatasetFacetFields field(
            String name, ColumnType type, String description, long ordinal) {
        OpenLineage.SchemaDatasetFacetFieldsBuilder field =
                ol.newSchemaDatasetFacetFieldsBuilder()
                        .name(name)
                        .ordinal_position(ordinal)
                        .description(description);
        if (type.kind() == ColumnType.Kind.ROW) {
            List<OpenLineage.SchemaDatasetFacetFields> nested = new ArrayList<>();
            long position = 1;
            for (ColumnType.Field child : type.fields()) {
                nested.add(field(child.name(), child.type(), null, position++));
            }
            return field.type("struct").fields(nested).build();
        }
        return field.type(type.kind().yamlName()).build();
    }

    private List<OpenLineage.SchemaDatasetFacetFields> fields(RowType rowType) {
        List<OpenLineage.SchemaDatasetFacetFields> out = new ArrayList<>();
        long ordinal = 1;
        for (RowType.RowField rowField : rowType.getFields()) {
            LogicalType type = rowField.getType();
            out.add(
                    ol.newSchemaDatasetFacetFieldsBuilder()
                            .name(rowField.getName())
                            .type(type.copy(true).asSummaryString().toLowerCase())
                            .ordinal_position(ordinal++)
                            .build());
        }
        return out;
    }
}
