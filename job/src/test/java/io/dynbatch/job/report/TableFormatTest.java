package io.dynbatch.job.report;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TableFormatTest {

    private record Row(String name, long n, double x) {}

    private static final TableFormat<Row> FORMAT = TableFormat.<Row>of()
            .column("name", Row::name)
            .column("n", Row::n)
            .column("x", r -> TableFormat.decimals(r.x(), 2));

    @Test
    void writesCsvWithTheDeclaredColumnsInOrder() {
        assertThat(FORMAT.names()).containsExactly("name", "n", "x");
        assertThat(FORMAT.csv(List.of(new Row("a", 1, 0.5), new Row("b", 20, 1.004))))
                .isEqualTo("name,n,x\na,1,0.50\nb,20,1.00\n");
    }

    @Test
    void quotesOnlyCellsThatNeedIt() {
        assertThat(FORMAT.csvLine(new Row("a,b \"c\"", 1, 2))).isEqualTo("\"a,b \"\"c\"\"\",1,2.00\n");
    }

    @Test
    void writesMarkdown() {
        assertThat(FORMAT.markdown(List.of(new Row("a", 1, 0.5))))
                .isEqualTo("| name | n | x |\n|---|---|---|\n| a | 1 | 0.50 |\n");
    }
}
