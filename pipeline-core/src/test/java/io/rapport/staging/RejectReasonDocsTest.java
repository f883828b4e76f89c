package io.rapport.staging;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rapport.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every reject reason code the code can emit is documented for analysts. */
class RejectReasonDocsTest {
  @Test
  void everyReasonCodeIsDocumented() throws IOException {
    String doc = Files.readString(SharedData.projectRoot().resolve("docs/tables/reject-reasons.md"));
    List<String> missing = Arrays.stream(RejectReason.values()).map(RejectReason::code)
        .filter(code -> !doc.contains("`" + code + "`")).toList();
    assertTrue(missing.isEmpty(), "undocumented reason codes in docs/tables/reject-reasons.md: " + missing);
  }

  @Test
  void theGeneratorsBadRowKindsUseTheReasonCodes() {
    List<String> codes = Arrays.stream(RejectReason.values()).map(RejectReason::code).toList();
    List<String> unknown = Arrays.stream(io.rapport.generate.BadRowKind.values()).map(io.rapport.generate.BadRowKind::code)
        .filter(c -> !c.equals("duplicate") && !codes.contains(c)).toList();
    assertTrue(unknown.isEmpty(), "generator bad-row kinds that are no reject reason code: " + unknown);
  }
}
