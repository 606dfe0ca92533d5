package io.flowbundle.connector.parquet;

import io.flowbundle.connector.ConnectorFactory;
import io.flowbundle.connector.ConnectorOptions;
import io.flowbundle.connector.OptionSet;
import io.flowbundle.connector.Role;
import io.flowbundle.spec.SinkSpec;
import io.flowbundle.spec.SourceSpec;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** {@code type: parquet}: Parquet files in a folder of Hive partitions, as source or sink. */
public final class ParquetConnector implements ConnectorFactory {

    public static final String TYPE = "parquet";

    /** Parquet's page compression codecs, as Flink's Parquet writer names them. */
    public enum Compression {
        SNAPPY,
        ZSTD,
        GZIP,
        NONE;

        /** The name Parquet's writer takes. */
        public String codec() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static final ConfigOption<String> PATH =
            ConfigOptions.key("path")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "A Parquet file or a folder: a path relative to the spec's folder, or a URI"
                                    + " such as s3://bucket/prefix; every Parquet file below it is read"
                                    + " (local links followed, hidden entries skipped).");

    public static final ConfigOption<String> SINK_PATH =
            ConfigOptions.key("path")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "The folder written: a path relative to the spec's folder, or a URI such"
                                    + " as s3://bucket/prefix.");

    public static final ConfigOption<String> DATE_PARTITION =
            ConfigOptions.key("date_partition")
                    .stringType()
                    .defaultValue("date")
                    .withDescription(
                            "The Hive partition key that holds the logical date: --date reads only"
                                    + " that partition.");

    public static final ConfigOption<List<String>> PARTITION_BY =
            ConfigOptions.key("partition_by")
                    .stringType()
                    .asList()
                    .noDefaultValue()
                    .withDescription(
                            "Columns that name the Hive partitions (a timestamp column partitions by"
                                    + " its date); none for a sink, [date] for staging.");

    public static final ConfigOption<Compression> COMPRESSION =
            ConfigOptions.key("compression")
                    .enumType(Compression.class)
                    .defaultValue(Compression.SNAPPY)
                    .withDescription("Page compression of the files written.");

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "Parquet files in a folder of Hive partitions (date=2026-11-01/); a bounded source, and"
                + " a sink whose batch runs replace the partitions they own atomically.";
    }

    @Override
    public Optional<OptionSet> options(Role role) {
        if (role == Role.SOURCE) {
            return Optional.of(OptionSet.of(List.of(PATH), List.of(DATE_PARTITION)));
        }
        return Optional.of(OptionSet.of(List.of(SINK_PATH), List.of(PARTITION_BY, COMPRESSION)));
    }

    @Override
    public SourceSpec createSource(ConnectorOptions options) {
        return new ParquetSourceSpec(options.location(PATH), options.get(DATE_PARTITION));
    }

    @Override
    public SinkSpec createSink(ConnectorOptions options, Role role) {
        List<String> partitionBy = options.get(PARTITION_BY);
        if (partitionBy == null) {
            partitionBy = role == Role.STAGING ? List.of("date") : List.of();
        }
        return new ParquetSinkSpec(
                options.location(SINK_PATH), partitionBy, options.get(COMPRESSION).codec());
    }
}
