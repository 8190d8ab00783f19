package io.dynbatch.job.sink;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The board between a subtask's group committer and its window function: each key is charged its
 * share of a transaction's write time and the wait for the rest of the transaction, summed (the
 * wait averaged per batch) until its next delivery, and delivered once.
 */
class CommitFeedbackTest {

    private static final String TASK = "job/arm/0/0";

    @AfterEach
    void release() {
        CommitFeedback.release(TASK);
    }

    @Test
    void aKeyGetsItsSharesAndTheMeanWaitForTheRestOfItsTransactionsOnce() {
        CommitFeedback board = CommitFeedback.of(TASK);
        board.charge("0-7", 100, 30_000_000, 90_000_000); // a third of a 90 ms transaction
        board.charge("1-9", 200, 60_000_000, 90_000_000);
        board.charge("0-7", 50, 10_000_000, 10_000_000); // then a transaction of its own

        CommitFeedback.Charge charged = CommitFeedback.of(TASK).take("0-7");
        assertThat(charged.events).isEqualTo(150);
        assertThat(charged.nanos).isEqualTo(40_000_000);
        // its two batches waited 60 ms and 0 ms for the rest of their transactions: 30 ms on average
        assertThat(charged.transactionNanos()).isEqualTo(70_000_000);
        assertThat(board.take("0-7")).isNull();
        assertThat(board.take("1-9").transactionNanos()).isEqualTo(90_000_000);
    }

    @Test
    void aTransactionIsNeverShorterThanTheShareChargedOfIt() {
        CommitFeedback board = CommitFeedback.of(TASK);
        board.charge("0-7", 10, 5_000_000, 4_000_000); // clock granularity: the share rounded above the whole
        assertThat(board.take("0-7").transactionNanos()).isEqualTo(5_000_000);
    }
}
