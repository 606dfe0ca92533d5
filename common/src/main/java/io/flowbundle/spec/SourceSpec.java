package io.flowbundle.spec;

import io.flowbundle.config.RuntimeConfig;
import io.flowbundle.connector.Preflight;
import io.flowbundle.connector.SourcePlan;
import io.flowbundle.lineage.Datasets;
import java.io.Serializable;
import java.time.LocalDate;
import java.util.Map;

/**
 * Where a pipeline's events come from: a connector's declaration, made by its {@link
 * io.flowbundle.connector.ConnectorFactory} from the spec's {@code source}.
 */
public interface SourceSpec extends Serializable {

    /** The connector's {@code type}. */
    String type();

    /** A dataset name for audit and logs: a path or {@code kafka://host:port/topic}. */
    String describe();

    /** The dataset as lineage names it. */
    Datasets.Id dataset();

    /** Whether a streaming run can read it (an input that does not end). */
    boolean streams();

    /**
     * This source with option {@code key} set to {@code value}, or itself if it has no such option.
     */
    default SourceSpec withOption(String key, String value) {
        return this;
    }

    /**
     * This declaration with the defaults of the run's configuration for its connector ({@code
     * kafka.properties} of conf/flowbundle.yaml for Kafka); its own settings win.
     */
    default SourceSpec withDefaults(RuntimeConfig config) {
        return this;
    }

    /**
     * Where a run without restored state starts reading, and what it therefore reads again (for
     * logs).
     */
    default String startWithoutState() {
        return "the source is read from its start";
    }

    /**
     * Client properties set on this declaration (and inherited from the run configuration), for the
     * audit; values may be secrets, so they are masked before they are recorded.
     */
    default Map<String, String> clientProperties() {
        return Map.of();
    }

    /** Adds what can be checked before the job is built (a topic exists, a server answers). */
    default void preflight(Preflight preflight, String key) {}

    /**
     * The source of one run.
     *
     * @param bounded the run reads up to where the input ends now (a batch run, or a bounded
     *     replay)
     * @param logicalDate the one date a bounded run reads, or null for all
     */
    SourcePlan plan(PipelineSpec spec, boolean bounded, LocalDate logicalDate);
}
