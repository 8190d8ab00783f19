package io.dynbatch.job;

import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/** The MiniClusters the job ITCases run on (parallelism 2). */
public final class FlinkTestCluster {

    private FlinkTestCluster() {}

    /** One TaskManager with two slots: what most job ITCases run on. */
    public static MiniClusterExtension twoSlots() {
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(2)
                .build());
    }

    /** Two TaskManagers with one slot each, for tests that kill TaskManagers under the running job. */
    public static MiniClusterExtension twoTaskManagers() {
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setNumberTaskManagers(2)
                .setNumberSlotsPerTaskManager(1)
                .build());
    }
}
