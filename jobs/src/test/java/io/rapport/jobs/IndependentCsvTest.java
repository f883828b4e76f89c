package io.rapport.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The oracle's own CSV reader: RFC 4180 cases the sample files contain (data-samples/README.md). */
class IndependentCsvTest {

  @Test
  void quotedFieldsKeepCommasDoubledQuotesAndLineBreaks() {
    String text = "id,title,text\n"
        + "R1,\"Good, cheap\",\"He said \"\"wow\"\"\nsecond line\"\n"
        + "R2,,plain\r\n";
    assertEquals(List.of(
        List.of("id", "title", "text"),
        List.of("R1", "Good, cheap", "He said \"wow\"\nsecond line"),
        List.of("R2", "", "plain")), IndependentCsv.parse(text));
  }

  @Test
  void blankLinesAreSkippedAndAMissingFinalNewlineKeepsTheLastRecord() {
    assertEquals(List.of(List.of("a", "b"), List.of("1", "2")), IndependentCsv.parse("a,b\n\n1,2"));
  }

  @Test
  void aQuotedEmptyFieldIsAFieldNotABlankLine() {
    assertEquals(List.of(List.of("a"), List.of("")), IndependentCsv.parse("a\n\"\"\n"));
  }
}
