package io.flowbundle.testing;

import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/**
 * One Flink MiniCluster per test class: {@code @RegisterExtension static final MiniClusterExtension
 * FLINK = MiniClusters.withSlots(2);}
 */
public final class MiniClusters {

    private MiniClusters() {}

    public static MiniClusterExtension withSlots(int slots) {
        return new MiniClusterExtension(
                new MiniClusterResourceConfiguration.Builder()
                        .setNumberTaskManagers(1)
                        .setNumberSlotsPerTaskManager(slots)
                        .build());
    }
}
