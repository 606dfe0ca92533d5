package io.flowbundle.connector;

import java.util.List;

/**
 * A source ready to read: the events, and what is known of the input before the job starts (a file
 * source lists and checks its files: the run audits that as its {@code extract} step and names the
 * counts in lineage); {@code input} is null when nothing is known up front.
 */
public record SourcePlan(EventSource events, Input input) {

    /** What a bounded input holds, known before the job runs. */
    public record Input(List<String> locations, long rows, long bytes, long files) {
        public Input {
            locations = List.copyOf(locations);
        }
    }
}
