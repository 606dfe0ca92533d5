package io.flowbundle.lineage;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.flowbundle.contract.Contract;
import io.openlineage.client.OpenLineage;
import java.net.URI;
import java.util.Map;

/**
 * Custom dataset facet {@code flowbundle_contract}: the contract a dataset is held to, with its
 * schema version and retention. Its JSON schema ships in {@code docs/facets/}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
    "_producer",
    "_schemaURL",
    "contract",
    "schemaVersion",
    "owner",
    "retentionDays",
    "location"
})
public final class ContractFacet implements OpenLineage.DatasetFacet {

    public static final String NAME = "flowbundle_contract";
    public static final URI SCHEMA_URL =
            URI.create(
                    "https://flowbundle.io/spec/facets/1-0-0/ContractDatasetFacet.json#/$defs/ContractDatasetFacet");

    private final URI producer;
    private final Contract contract;

    public ContractFacet(URI producer, Contract contract) {
        this.producer = producer;
        this.contract = contract;
    }

    @Override
    @JsonProperty("_producer")
    public URI get_producer() {
        return producer;
    }

    @Override
    @JsonProperty("_schemaURL")
    public URI get_schemaURL() {
        return SCHEMA_URL;
    }

    @Override
    @JsonIgnore
    public Boolean get_deleted() {
        return null;
    }

    @JsonProperty("contract")
    public String contract() {
        return contract.name();
    }

    @JsonProperty("schemaVersion")
    public int schemaVersion() {
        return contract.schemaVersion();
    }

    @JsonProperty("owner")
    public String owner() {
        return contract.owner();
    }

    @JsonProperty("retentionDays")
    public Integer retentionDays() {
        return contract.retentionDays();
    }

    @JsonProperty("location")
    public String location() {
        return contract.location();
    }

    @Override
    @JsonAnyGetter
    public Map<String, Object> getAdditionalProperties() {
        return Map.of();
    }
}
