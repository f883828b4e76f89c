package io.rapport.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rapport.catalog.Catalog;
import io.rapport.cli.Rapport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exit codes of SPEC section 6 for whole runs that stop on their inputs (decision R7): an input
 * contract broken (2) or a reject rate over its limit (3). Each names what is at fault and
 * publishes nothing. (Usage errors before a run are in ExitCodeTest; the no-op and the forced
 * re-run with exit 0 in SampleRunTest; a failed step with exit 1 in RestartAfterFailureTest.)
 */
class JobExitCodeTest {
  static final String AS_OF = "2025-08-31";

  @TempDir Path work;

  @Test
  void requiredInputPathMatchingNothingExitsTwoNamingSourceAndPath() throws IOException {
    Path config = configWith("data-samples/purchases/*/*.csv", "data-samples/purchases/no-such-folder/*.csv");

    Result result = run(config);

    assertEquals(2, result.exitCode(), result.err());
    assertTrue(result.err().contains("Cannot read purchases"), result.err());
    assertTrue(result.err().contains("no-such-folder/*.csv") && result.err().contains("matches no file"), result.err());
    assertNothingPublished();
  }

  @Test
  void fileMissingAMappedColumnExitsTwoNamingFileAndColumn() throws IOException {
    // purchases is the only source with a columns: {} mapping in the bundled configuration.
    Path config = configWith("columns: {}", "columns: {customer_id: client_number}");

    Result result = run(config);

    assertEquals(2, result.exitCode(), result.err());
    assertTrue(result.err().contains("Cannot read purchases from "), result.err());
    assertTrue(result.err().matches("(?s).*data-samples/purchases/[^ ]+\\.csv: missing column client_number.*"), result.err());
    assertNothingPublished();
  }

  @Test
  void rejectRateAboveTheLimitExitsThreeNamingTheSourceAndItsLimit() throws IOException {
    // Five purchase lines, one with a quantity that is not a number: 20 % rejected, far above
    // a limit of 0.1 %. A small file keeps the run short (the samples have 523 files).
    Path purchases = work.resolve("purchases/part-0.csv");
    Files.createDirectories(purchases.getParent());
    Files.writeString(purchases, String.join("\n",
        "order_id,line_number,customer_id,order_ts,product_id,category,quantity,unit_price,currency,status,channel,country",
        "ORD-1,1,C0000001,2024-01-04T16:16:18-05:00,P0037,home,1,18.99,USD,completed,app,US",
        "ORD-1,2,C0000001,2024-01-04T16:16:18-05:00,P0006,electronics,1,142.99,USD,completed,app,US",
        "ORD-2,1,C0000002,2024-02-04T10:00:00-05:00,P0037,home,2,18.99,USD,completed,web,US",
        "ORD-3,1,C0000003,2024-03-04T10:00:00-05:00,P0037,home,1,18.99,USD,completed,web,US",
        "ORD-4,1,C0000004,2024-03-05T10:00:00-05:00,P0037,home,many,18.99,USD,completed,web,US", ""));
    configWith("max-reject-rate: 0.05", "max-reject-rate: 0.001");
    Path config = configWith(JobTestSupport.projectRoot().resolve("data-samples/purchases/*/*.csv").toString(),
        work.resolve("purchases/*.csv").toString(), false);

    Result result = run(config);

    assertEquals(3, result.exitCode(), result.err());
    assertTrue(result.err().contains("Too many rejected purchases rows: 1 of 5"), result.err());
    assertTrue(result.err().contains("sources.purchases.max-reject-rate 0.10%"), result.err());
    assertNothingPublished();
  }

  @Test
  void aWarehouseThatCannotBeWrittenExitsTwoNamingThePathAndSayingARetryCannotHelp() throws IOException {
    // The warehouse's parent is a regular file: nothing can be created under it (root included,
    // unlike a permission bit). Issue 14: the failure names path and operation, no stack trace.
    Files.writeString(work.resolve("not-a-folder"), "x");
    Path config = configWith("warehouse: " + work.resolve("warehouse"), "warehouse: " + work.resolve("not-a-folder/warehouse"));

    Result result = Result.capture(() -> Rapport.execute("run", "--json", "--config", config.toString(), "--as-of", AS_OF));

    assertEquals(2, result.exitCode(), result.err());
    com.fasterxml.jackson.databind.JsonNode error = new com.fasterxml.jackson.databind.ObjectMapper().readTree(result.out())
        .get("error");
    assertEquals("storage", error.get("kind").asText(), result.out());
    assertEquals("not_writable", error.get("rule").asText(), result.out());
    assertTrue(error.get("path").asText().startsWith(work.resolve("not-a-folder/warehouse").toString()), result.out());
    assertTrue(error.get("message").asText().contains("Running again will not help until it is writable"), result.out());
    assertFalse(result.err().contains("\tat org.apache"), "a stack trace:\n" + result.err());
  }

  /** The bundled configuration with the first occurrence of {@code from} replaced. */
  private Path configWith(String from, String to) throws IOException {
    return configWith(from, to, true);
  }

  private Path configWith(String from, String to, boolean fresh) throws IOException {
    Path config = fresh ? JobTestSupport.sampleConfig(work, "") : work.resolve("rapport.yaml");
    String yaml = Files.readString(config);
    assertTrue(yaml.contains(from), "the bundled configuration no longer contains " + from);
    Files.writeString(config, yaml.replaceFirst(java.util.regex.Pattern.quote(from), java.util.regex.Matcher.quoteReplacement(to)));
    return config;
  }

  private Result run(Path config) {
    return Result.capture(() -> Rapport.execute("run", "--config", config.toString(), "--as-of", AS_OF));
  }

  private void assertNothingPublished() {
    Path warehouse = work.resolve("warehouse");
    assertFalse(Files.exists(warehouse.resolve("_runs/as_of_date=" + AS_OF + "/manifest.json")), "a manifest was written");
    for (String table : Catalog.publishedNames()) {
      assertFalse(Files.exists(warehouse.resolve(table).resolve("as_of_date=" + AS_OF)), table + " was published");
    }
  }

  /** What a command returned and printed (stdout and stderr captured in-process). */
  record Result(int exitCode, String out, String err) {
    static Result capture(java.util.function.IntSupplier command) {
      PrintStream oldOut = System.out;
      PrintStream oldErr = System.err;
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code;
      try {
        code = command.getAsInt();
      } finally {
        System.setOut(oldOut);
        System.setErr(oldErr);
      }
      String o = out.toString(StandardCharsets.UTF_8);
      String e = err.toString(StandardCharsets.UTF_8);
      oldOut.print(o);
      oldErr.print(e);
      return new Result(code, o, e);
    }
  }
}
