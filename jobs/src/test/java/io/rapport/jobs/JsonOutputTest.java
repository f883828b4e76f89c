package io.rapport.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rapport.catalog.Step;
import io.rapport.cli.Rapport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code --json} matrix of issue 13: {@code run}, {@code status} and {@code validate} print
 * exactly one JSON document on stdout for success, a no-op, exit 1, 2 and 3 and usage errors,
 * each parsed here; expected failures (run in a separate JVM, as a scheduler runs them) print no
 * stack trace on stderr; {@code status} works while a run holds the embedded job repository and
 * names the running step; a no-op names the forced re-run that published the snapshot in place.
 *
 * <p>The runs read five purchase lines (one with a bad quantity) in day folders, so that each
 * takes a minute rather than the samples' several; the cases share one job repository and
 * warehouse and use one as-of date each.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JsonOutputTest {
  static final String OK_DATE = "2024-03-31";
  static final String FAIL_DATE = "2024-03-30";
  static final String CONTRACT_DATE = "2024-03-29";
  static final String QUALITY_DATE = "2024-03-28";
  private static final ObjectMapper JSON = new ObjectMapper();
  /** A line of a Java stack trace: "\tat org.example.Foo.bar(Foo.java:12)" or "Caused by: ...". */
  private static final Pattern STACK_LINE = Pattern.compile("(?m)^\\s+at [\\w$.]+\\(|^Caused by: ");

  @TempDir static Path work;
  Path config;

  @BeforeAll
  void inputs() throws IOException {
    Path day = Files.createDirectories(work.resolve("purchases/2024-03-04"));
    Files.writeString(day.resolve("part-0.csv"), String.join("\n",
        "order_id,line_number,customer_id,order_ts,product_id,category,quantity,unit_price,currency,status,channel,country",
        "ORD-1,1,C0000001,2024-01-04T16:16:18-05:00,P0037,home,1,18.99,USD,completed,app,US",
        "ORD-1,2,C0000001,2024-01-04T16:16:18-05:00,P0006,electronics,1,142.99,USD,completed,app,US",
        "ORD-2,1,C0000002,2024-02-04T10:00:00-05:00,P0037,home,2,18.99,USD,completed,web,US",
        "ORD-3,1,C0000003,2024-03-04T10:00:00-05:00,P0037,home,1,18.99,USD,completed,web,US",
        "ORD-4,1,C0000004,2024-03-05T10:00:00-05:00,P0037,home,many,18.99,USD,completed,web,US", ""));
    Files.writeString(day.resolve("_SUCCESS"), "");
    config = config("rapport.yaml", "max-reject-rate: 0.5", "");
  }

  /** A purchases-only configuration over the five lines, in the shared warehouse and job repository. */
  private Path config(String name, String rejectRate, String columns) throws IOException {
    return Files.writeString(work.resolve(name), String.join("\n",
        "warehouse: " + work.resolve("warehouse"),
        "sources:",
        "  purchases:",
        "    path: " + work.resolve("purchases") + "/*/*.csv",
        "    format: csv",
        "    required: true",
        "    options: {header: \"true\"}",
        "    defaults: {currency: USD}",
        "    " + rejectRate,
        columns.isEmpty() ? "" : "    columns: " + columns,
        "job-repository: {url: \"jdbc:h2:file:" + work.resolve("var/jobs") + "\"}", ""));
  }

  @Test
  @Order(1)
  void validateInspectsTheInputs() throws IOException {
    JsonNode doc = single(command("validate", "--json", "--config", config.toString()), 0);

    assertEquals("validate", doc.get("command").asText());
    assertEquals("VALID", doc.get("status").asText());
    assertTrue(doc.get("error").isNull());
    JsonNode purchases = doc.get("sources").get(0);
    assertEquals("purchases", purchases.get("source").asText());
    assertEquals(1, purchases.get("files").asInt());
    assertEquals(5, purchases.get("rows_read").asLong());
    assertEquals(1, purchases.get("would_reject").asLong());
    assertEquals("invalid_quantity", purchases.get("sample_rejects").get(0).get("reason_code").asText());
  }

  @Test
  @Order(2)
  void runSucceedsWhileStatusShowsTheRunningStep() throws Exception {
    KillRecoveryTest.ChildJvm child = KillRecoveryTest.ChildJvm.start(work, "ok", Map.of(),
        "run", "--json", "--config", config.toString(), "--as-of", OK_DATE);
    try {
      child.awaitStderr("step models started");

      JsonNode status = single(command("status", "--json", "--config", config.toString()), 0);
      assertEquals(1, status.get("running").size(), status.toString());
      JsonNode running = status.get("running").get(0);
      assertEquals(OK_DATE, running.get("as_of_date").asText());
      assertEquals("models", running.get("step").asText(), "the step the run is in");
      assertEquals(child.pid(), running.get("process_id").asLong());
      assertTrue(running.get("process_alive").asBoolean());
      JobExitCodeTest.Result text = command("status", "--config", config.toString());
      assertTrue(text.out().contains("Running: as_of_date=" + OK_DATE), text.out());
      assertTrue(text.out().contains("step models for"), text.out());
      // A run of another date cannot share the embedded repository the child serves: it refuses.
      var busy = assertThrows(JobRepositories.RepositoryBusyException.class,
          () -> JobRepositories.openForRun("jdbc:h2:file:" + work.resolve("var/jobs"), Duration.ofSeconds(1)));
      assertTrue(busy.getMessage().contains("held by another process"), busy.getMessage());

      assertEquals(0, child.await(), child.stderr());
    } finally {
      child.destroy();
    }
    JsonNode doc = single(child.stdout(), 0, "run");
    assertEquals("COMPLETED", doc.get("status").asText());
    assertFalse(doc.get("already_complete").asBoolean());
    assertEquals(OK_DATE, doc.get("as_of_date").asText());
    assertTrue(doc.get("failed_step").isNull());
    assertEquals(1, doc.get("job_instance_id").asLong());
    assertEquals(doc.get("job_instance_id").asLong(), doc.get("published_by").get("job_instance_id").asLong());
    assertEquals(doc.get("job_execution_id").asLong(), doc.get("published_by").get("job_execution_id").asLong());
    assertEquals(List.of("COMPLETED", "COMPLETED", "COMPLETED", "COMPLETED", "COMPLETED"), statuses(doc.get("steps")));
    assertEquals(5, doc.get("inputs").get("purchases").get("read").asLong());
    assertEquals(1, doc.get("inputs").get("purchases").get("rejected").asLong());
    assertEquals(OK_DATE, doc.get("manifest").get("as_of_date").asText());
    assertTrue(doc.get("manifest_path").asText().endsWith("_runs/as_of_date=" + OK_DATE + "/manifest.json"));
    assertFalse(STACK_LINE.matcher(child.stderr()).find(), child.stderr());
  }

  @Test
  @Order(3)
  void noOpNamesTheForcedReRunThatPublishedTheSnapshot() throws IOException {
    JsonNode noOp = single(command("run", "--json", "--config", config.toString(), "--as-of", OK_DATE), 0);
    assertEquals("ALREADY_COMPLETE", noOp.get("status").asText());
    assertTrue(noOp.get("already_complete").asBoolean());
    assertEquals(1, noOp.get("published_by").get("job_instance_id").asLong());
    assertTrue(noOp.get("hint").asText().contains("--force"), noOp.toString());

    JsonNode forced = single(command("run", "--json", "--force", "--config", config.toString(), "--as-of", OK_DATE), 0);
    assertEquals("COMPLETED", forced.get("status").asText());
    long forcedInstance = forced.get("job_instance_id").asLong();
    assertTrue(forcedInstance > 1, "a forced re-run is a new job instance: " + forced);

    JsonNode after = single(command("run", "--json", "--config", config.toString(), "--as-of", OK_DATE), 0);
    assertTrue(after.get("already_complete").asBoolean());
    assertEquals(forcedInstance, after.get("published_by").get("job_instance_id").asLong(), after.toString());
    assertEquals(forced.get("job_execution_id").asLong(), after.get("published_by").get("job_execution_id").asLong());
    assertEquals(forcedInstance, after.get("job_instance_id").asLong());
    assertEquals(forcedInstance, after.get("manifest").get("job_instance_id").asLong());
    JobExitCodeTest.Result text = command("run", "--config", config.toString(), "--as-of", OK_DATE);
    assertTrue(text.out().contains("already complete (published by job instance " + forcedInstance + ","), text.out());

    JsonNode status = single(command("status", "--json", "--config", config.toString(), "--as-of", OK_DATE), 0);
    assertEquals(0, status.get("running").size());
    assertEquals(2, status.get("instances").size(), status.toString());
    assertEquals(1, status.get("instances").get(0).get("forced_rerun").asInt(), "newest first: the forced re-run");
  }

  @Test
  @Order(4)
  void exitOneNamesTheFailedStepAndPrintsNoStackTraceUnlessDebug() throws Exception {
    KillRecoveryTest.ChildJvm child = KillRecoveryTest.ChildJvm.start(work, "exit1",
        Map.of(FailureInjection.VARIABLE, Step.INGEST.id()),
        "run", "--json", "--config", config.toString(), "--as-of", FAIL_DATE);
    assertEquals(1, child.await(), child.stderr());

    JsonNode doc = single(child.stdout(), 1, "run");
    assertEquals("FAILED", doc.get("status").asText());
    assertEquals("ingest", doc.get("failed_step").asText());
    assertEquals(RapportErrors.KIND_RUN_FAILED, doc.get("error").get("kind").asText());
    assertTrue(doc.get("error").get("message").asText().startsWith("Injected failure at the start of step ingest"));
    assertTrue(doc.get("hint").asText().startsWith("Run the same command again"), doc.toString());
    assertTrue(doc.get("published_by").isNull());
    assertTrue(doc.get("manifest").isNull());
    assertFalse(STACK_LINE.matcher(child.stderr()).find(), "a stack trace for an expected failure:\n" + child.stderr());
    assertTrue(child.stderr().contains("rapport: Injected failure"), child.stderr());

    // RAPPORT_DEBUG=1 (or --debug) brings Spring Batch's stack trace back.
    KillRecoveryTest.ChildJvm debug = KillRecoveryTest.ChildJvm.start(work, "exit1-debug",
        Map.of(FailureInjection.VARIABLE, Step.INGEST.id(), "RAPPORT_DEBUG", "1"),
        "run", "--config", config.toString(), "--as-of", FAIL_DATE);
    assertEquals(1, debug.await(), debug.stderr());
    assertTrue(debug.stderr().contains("Encountered an error executing step ingest"), debug.stderr());
    assertTrue(STACK_LINE.matcher(debug.stderr()).find(), debug.stderr());

    JsonNode status = single(command("status", "--json", "--config", config.toString(), "--as-of", FAIL_DATE), 0);
    JsonNode instance = status.get("instances").get(0);
    assertEquals("FAILED", instance.get("status").asText());
    assertEquals("FAILED", instance.get("executions").get(0).get("steps").get(0).get("status").asText());
  }

  @Test
  @Order(5)
  void exitTwoNamesTheFileAndTheMissingColumn() throws Exception {
    Path broken = config("missing-column.yaml", "max-reject-rate: 0.5", "{customer_id: client_number}");
    KillRecoveryTest.ChildJvm child = KillRecoveryTest.ChildJvm.start(work, "exit2", Map.of(),
        "run", "--json", "--config", broken.toString(), "--as-of", CONTRACT_DATE);
    assertEquals(2, child.await(), child.stderr());

    JsonNode doc = single(child.stdout(), 2, "run");
    JsonNode error = doc.get("error");
    assertEquals(RapportErrors.KIND_INPUT_CONTRACT, error.get("kind").asText());
    assertEquals("missing_column", error.get("rule").asText());
    assertEquals("purchases", error.get("source").asText());
    assertEquals("client_number", error.get("column").asText());
    assertTrue(error.get("file").asText().endsWith("purchases/2024-03-04/part-0.csv"), error.toString());
    assertEquals("ingest", doc.get("failed_step").asText());
    assertTrue(doc.get("inputs").isEmpty(), "ingest did not finish: no input accounting");
    assertFalse(STACK_LINE.matcher(child.stderr()).find(), "a stack trace for an expected failure:\n" + child.stderr());

    JsonNode validate = single(command("validate", "--json", "--config", broken.toString()), 2);
    assertEquals("PROBLEMS", validate.get("status").asText());
    assertEquals("missing_column", validate.get("error").get("rule").asText());
    assertEquals("client_number", validate.get("error").get("column").asText());
    assertEquals("client_number", validate.get("sources").get(0).get("missing_columns").get(0).get("column").asText());

    JobExitCodeTest.Result text = command("run", "--config", broken.toString(), "--as-of", CONTRACT_DATE);
    assertEquals(2, text.exitCode());
    assertFalse(text.out().contains("Input "), "no input table when ingest did not finish:\n" + text.out());
    assertFalse(text.out().contains("\n\n\n"), "no empty rows:\n" + text.out());
    assertTrue(text.out().contains("FAILED (exit 2) at step ingest"), text.out());
    assertTrue(text.out().contains("Next: Fix the input named in the message"), text.out());
  }

  @Test
  @Order(6)
  void exitThreeNamesTheRuleAndPrintsNoStackTrace() throws Exception {
    Path strict = config("strict.yaml", "max-reject-rate: 0.001", "");
    KillRecoveryTest.ChildJvm child = KillRecoveryTest.ChildJvm.start(work, "exit3", Map.of(),
        "run", "--json", "--config", strict.toString(), "--as-of", QUALITY_DATE);
    assertEquals(3, child.await(), child.stderr());

    JsonNode doc = single(child.stdout(), 3, "run");
    JsonNode error = doc.get("error");
    assertEquals(RapportErrors.KIND_DATA_QUALITY, error.get("kind").asText());
    assertEquals("max_reject_rate", error.get("rule").asText());
    assertEquals("purchases", error.get("source").asText());
    assertEquals("sources.purchases.max-reject-rate", error.get("key").asText());
    assertEquals("ingest", doc.get("failed_step").asText());
    String stderr = child.stderr();
    assertFalse(STACK_LINE.matcher(stderr).find(), "a stack trace for an expected failure:\n" + stderr);
    assertFalse(stderr.contains("Exception"), stderr);
    assertTrue(stderr.contains("rapport: Too many rejected purchases rows: 1 of 5"), stderr);
  }

  @Test
  @Order(7)
  void readinessCheckExitsOneUntilTheDayHasItsMarker() throws IOException {
    JsonNode ready = single(command("validate", "--json", "--as-of", "2024-03-04", "--require-day", "--config",
        config.toString()), 0);
    assertEquals("READY", ready.get("status").asText());
    assertTrue(ready.get("readiness").get("ready").asBoolean());

    JsonNode notReady = single(command("validate", "--json", "--as-of", "2024-03-05", "--require-day", "--config",
        config.toString()), 1);
    assertEquals("NOT_READY", notReady.get("status").asText());
    assertEquals(RapportErrors.KIND_NOT_READY, notReady.get("error").get("kind").asText());
    JsonNode purchases = notReady.get("readiness").get("sources").get(0);
    assertEquals("purchases", purchases.get("source").asText());
    assertFalse(purchases.get("folder_exists").asBoolean());
    assertTrue(purchases.get("day_folder").asText().endsWith("purchases/2024-03-05"), purchases.toString());
  }

  @Test
  @Order(8)
  void usageAndConfigurationErrorsAreJsonToo() throws IOException {
    JsonNode unknown = single(command("run", "--forse", "--json"), 2);
    assertEquals("run", unknown.get("command").asText());
    assertEquals(RapportErrors.KIND_USAGE, unknown.get("error").get("kind").asText());
    assertEquals("unknown_option", unknown.get("error").get("rule").asText());
    assertEquals("[\"--force\"]", unknown.get("error").get("suggestions").toString());
    assertTrue(unknown.get("steps").isArray(), "a failure document has the command's fields too");

    JsonNode badDate = single(command("status", "--json", "--as-of", "31/03/2024", "--config", config.toString()), 2);
    assertEquals("status", badDate.get("command").asText());
    assertEquals("--as-of", badDate.get("error").get("key").asText());

    JsonNode noDate = single(command("validate", "--require-day", "--json", "--config", config.toString()), 2);
    assertTrue(noDate.get("error").get("message").asText().contains("--require-day needs --as-of"), noDate.toString());

    JsonNode noConfig = single(command("run", "--json", "--config", work.resolve("nope.yaml").toString()), 2);
    assertEquals(RapportErrors.KIND_CONFIGURATION, noConfig.get("error").get("kind").asText());
    assertTrue(noConfig.get("error").get("message").asText().contains("no such file"), noConfig.toString());

    JsonNode command = single(command("stauts", "--json"), 2);
    assertTrue(command.get("command").isNull());
    assertEquals("[\"status\"]", command.get("error").get("suggestions").toString());
  }

  private static JobExitCodeTest.Result command(String... args) {
    return JobExitCodeTest.Result.capture(() -> Rapport.execute(args));
  }

  private static JsonNode single(JobExitCodeTest.Result result, int exitCode) throws IOException {
    assertEquals(exitCode, result.exitCode(), result.err());
    return single(result.out(), exitCode, null);
  }

  /** stdout holds exactly one JSON document (one line) with the common fields; returns it. */
  private static JsonNode single(String stdout, int exitCode, String command) throws IOException {
    List<String> lines = new ArrayList<>(stdout.strip().lines().toList());
    assertEquals(1, lines.size(), "not exactly one line on stdout:\n" + stdout);
    JsonNode doc = JSON.readTree(lines.get(0));
    assertTrue(doc.isObject(), stdout);
    for (String field : List.of("command", "ok", "exit_code", "status", "error", "hint")) {
      assertTrue(doc.has(field), "no " + field + " in " + stdout);
    }
    assertEquals(exitCode, doc.get("exit_code").asInt(), stdout);
    assertEquals(exitCode == 0, doc.get("ok").asBoolean(), stdout);
    if (exitCode != 0) {
      assertNotNull(doc.get("error").get("message"), stdout);
      assertFalse(doc.get("hint").isNull(), "a failure says what to do next: " + stdout);
    }
    if (command != null) {
      assertEquals(command, doc.get("command").asText());
    }
    return doc;
  }

  private static List<String> statuses(JsonNode steps) {
    List<String> out = new ArrayList<>();
    steps.forEach(s -> out.add(s.get("status").asText()));
    return out;
  }
}
