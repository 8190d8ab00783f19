package io.dynbatch.job;

import io.dynbatch.job.options.Labelled;

/** How an arm's fired shard batches become transactions ({@code --commit}). */
public enum CommitMode implements Labelled {
    /**
     * The shard batches of a subtask that fire together (in one timer round, or within one pass of
     * the task's mailbox) are written in one transaction: transactions per subtask and cycle do not
     * grow with the shards it holds.
     */
    GROUP("group"),
    /** Each shard batch is its own transaction. */
    SHARD("shard");

    private final String label;

    CommitMode(String label) {
        this.label = label;
    }

    @Override
    public String label() {
        return label;
    }
}
