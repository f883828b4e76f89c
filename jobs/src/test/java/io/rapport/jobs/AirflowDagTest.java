package io.rapport.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rapport.cli.Rapport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * The Airflow DAG, imported by Python with stand-ins for the Airflow modules
 * (src/test/resources/airflow/dag_harness.py; Airflow itself is not installed in the build): its
 * tasks pass only arguments the real command line accepts, submit in client mode, check the day's
 * inputs before the run, and per exit code succeed (0), retry (1) or fail at once with Rapport's
 * message (2, 3).
 */
class AirflowDagTest {
  private static final Path DAG = JobTestSupport.projectRoot().resolve("deploy/airflow/rapport_daily.py");
  private static final Path HARNESS = JobTestSupport.projectRoot().resolve("jobs/src/test/resources/airflow/dag_harness.py");
  private static final String AS_OF_TEMPLATE = "{{ data_interval_start | ds }}";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path work;

  @BeforeAll
  static void needsPython() throws IOException, InterruptedException {
    boolean python = new ProcessBuilder("sh", "-c", "command -v python3").start().waitFor() == 0;
    if (!python) {
      assertFalse("true".equalsIgnoreCase(System.getenv("CI")), "CI must have python3 to check the DAG");
      assumeTrue(false, "python3 is not installed; skipping the DAG checks outside CI");
    }
  }

  @Test
  void dagFileCompiles() throws IOException, InterruptedException {
    assertEquals("", python(List.of("-c", "import ast,sys; ast.parse(open(sys.argv[1]).read(), sys.argv[1])", DAG.toString()),
        Map.of()).trim());
  }

  @ParameterizedTest(name = "Airflow {0}")
  @ValueSource(strings = {"2", "3"})
  void tasksCheckTheDayThenRunInClientModeWithArgumentsTheRealCommandLineAccepts(String airflowMajor) throws Exception {
    JsonNode dag = JSON.readTree(python(List.of(HARNESS.toString(), "describe", DAG.toString(), airflowMajor), Map.of()));

    assertEquals(1, dag.get("max_active_runs").asInt());
    assertEquals("CronDataIntervalTimetable", dag.get("timetable").asText());
    JsonNode ready = dag.get("tasks").get("inputs_ready");
    JsonNode run = dag.get("tasks").get("rapport_run");
    assertNotNull(ready, "no readiness task");
    assertNotNull(run, "no run task");
    assertEquals(List.of("rapport_run"), strings(ready.get("downstream")), "the run must wait for the readiness check");
    assertTrue(run.get("retries").asInt() >= 1, "exit 1 is retried");
    assertTrue(ready.get("retries").asInt() >= 1, "the readiness check is retried while the day is incomplete");
    assertEquals(1, run.get("max_active_tis_per_dag").asInt());
    assertEquals(List.of("RAPPORT_JOB_REPOSITORY_PASSWORD", "RAPPORT_JOB_REPOSITORY_USER"), strings(run.get("env_vars")));

    List<String> validate = applicationArgs(strings(ready.get("command")));
    assertEquals(List.of("validate", "--as-of", AS_OF_TEMPLATE, "--require-day"), validate.subList(0, 4));
    assertAcceptedByTheRealCommandLine(validate);
    List<String> runArgs = applicationArgs(strings(run.get("command")));
    assertEquals(List.of("run", "--as-of", AS_OF_TEMPLATE), runArgs.subList(0, 3));
    assertAcceptedByTheRealCommandLine(runArgs);
    assertFalse(runArgs.contains("--force"), "a scheduled run never forces");
  }

  @Test
  void dagNamesNoOptionOrVariableThatDoesNotExist() throws IOException {
    String dag = Files.readString(DAG);
    assertFalse(dag.contains("RAPPORT_FORCE"), "RAPPORT_FORCE does not exist");
    assertTrue(dag.contains("\"--deploy-mode\", \"client\""), "docs/operations.md requires client deploy mode");
  }

  /**
   * Exit codes 0..3 through each task's execute(), against a stand-in for spark-submit that prints
   * a result document and exits with the code. The documents of exit 0, 1 and 2 come from the real
   * command line (validate needs no Spark); exit 3 only comes from a whole run, so its document is
   * written here in the shape RunCommand prints (JsonOutputTest checks that shape on real runs).
   */
  @Test
  void exitCodeOneIsRetriedAndTwoAndThreeFailAtOnceWithRapportsMessage() throws Exception {
    Path docs = Files.createDirectories(work.resolve("docs"));
    Files.writeString(docs.resolve("0.json"), readinessDocument(true, 0));
    Files.writeString(docs.resolve("1.json"), readinessDocument(false, 1));
    JobExitCodeTest.Result missingConfig = JobExitCodeTest.Result.capture(() -> Rapport.execute("validate", "--json",
        "--config", work.resolve("no-such.yaml").toString()));
    assertEquals(2, missingConfig.exitCode(), missingConfig.err());
    Files.writeString(docs.resolve("2.json"), missingConfig.out());
    String qualityMessage = "Too many rejected purchases rows: 1 of 5 (20.00%) exceed sources.purchases.max-reject-rate 0.10%";
    Files.writeString(docs.resolve("3.json"), "{\"command\":\"run\",\"ok\":false,\"exit_code\":3,\"status\":\"FAILED\","
        + "\"error\":{\"kind\":\"data_quality\",\"message\":\"" + qualityMessage + "\"},\"hint\":\"Fix the export.\"}\n");
    Path fake = work.resolve("spark-submit");
    Files.writeString(fake, "#!/bin/sh\necho \"spark log line\" >&2\ncat \"$RAPPORT_FAKE_DOCS/$RAPPORT_FAKE_EXIT.json\"\n"
        + "exit \"$RAPPORT_FAKE_EXIT\"\n");
    Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));

    JsonNode results = JSON.readTree(python(List.of(HARNESS.toString(), "decide", DAG.toString(), fake.toString()),
        Map.of("RAPPORT_FAKE_DOCS", docs.toString())));

    for (String task : List.of("inputs_ready", "rapport_run")) {
      JsonNode byCode = results.get(task);
      assertEquals("success", byCode.get("0").get("outcome").asText(), task + ": " + byCode);
      assertEquals("retry", byCode.get("1").get("outcome").asText(), task + ": " + byCode);
      assertEquals("fail", byCode.get("2").get("outcome").asText(), task + ": " + byCode);
      assertEquals("fail", byCode.get("3").get("outcome").asText(), task + ": " + byCode);
      assertEquals("READY", byCode.get("0").get("xcom").get("status").asText(), "the result reaches XCom");
      assertTrue(byCode.get("1").get("message").asText().contains("Inputs for 2025-08-31 are not complete"), byCode.toString());
      assertTrue(byCode.get("2").get("message").asText().contains("Cannot read configuration"), byCode.toString());
      assertTrue(byCode.get("2").get("message").asText().contains("Retrying cannot fix this"), byCode.toString());
      assertTrue(byCode.get("3").get("message").asText().contains(qualityMessage), byCode.toString());
    }
    JsonNode decision = JSON.readTree(python(List.of(HARNESS.toString(), "describe", DAG.toString(), "3"), Map.of()))
        .get("retry_decision");
    assertEquals("{\"0\":\"success\",\"1\":\"retry\",\"2\":\"fail\",\"3\":\"fail\"}", decision.toString());
  }

  /** A real `validate --require-day --json` document: a day folder with or without its _SUCCESS marker. */
  private String readinessDocument(boolean marker, int expectedExit) throws IOException {
    Path root = Files.createTempDirectory(work, "inputs");
    Path day = Files.createDirectories(root.resolve("purchases/2025-08-31"));
    Files.writeString(day.resolve("part-0.csv"), "order_id\n");
    if (marker) {
      Files.writeString(day.resolve("_SUCCESS"), "");
    }
    Path config = Files.writeString(root.resolve("rapport.yaml"), "warehouse: " + root.resolve("warehouse") + "\n"
        + "sources:\n  purchases: {path: " + root.resolve("purchases") + "/*/*.csv, format: csv}\n");
    JobExitCodeTest.Result result = JobExitCodeTest.Result.capture(() -> Rapport.execute("validate", "--as-of", "2025-08-31",
        "--require-day", "--json", "--config", config.toString()));
    assertEquals(expectedExit, result.exitCode(), result.err());
    return result.out();
  }

  private static void assertAcceptedByTheRealCommandLine(List<String> args) {
    CommandLine command = new CommandLine(new Rapport()).getSubcommands().get(args.get(0));
    assertNotNull(command, "rapport has no command " + args.get(0));
    for (String arg : args) {
      if (arg.startsWith("--")) {
        assertNotNull(command.getCommandSpec().findOption(arg), "rapport " + args.get(0) + " has no option " + arg);
      }
    }
    List<String> concrete = new ArrayList<>(args);
    concrete.replaceAll(a -> a.equals(AS_OF_TEMPLATE) ? "2025-08-31" : a);
    CommandLine.ParseResult parsed = new CommandLine(new Rapport()).parseArgs(concrete.toArray(String[]::new));
    assertEquals("2025-08-31", parsed.subcommand().matchedOptionValue("--as-of", ""));
  }

  /** The arguments after the application jar in a spark-submit command line. */
  private static List<String> applicationArgs(List<String> command) {
    int jar = -1;
    for (int i = 0; i < command.size(); i++) {
      if (command.get(i).endsWith(".jar")) {
        jar = i;
      }
    }
    assertTrue(jar > 0, "no jar in " + command);
    List<String> before = command.subList(0, jar);
    int mode = before.indexOf("--deploy-mode");
    assertTrue(mode >= 0 && "client".equals(before.get(mode + 1)), "not client deploy mode: " + before);
    int main = before.indexOf("--class");
    assertTrue(main >= 0 && "io.rapport.cli.Rapport".equals(before.get(main + 1)), "wrong main class: " + before);
    return command.subList(jar + 1, command.size());
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static String python(List<String> args, Map<String, String> env) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("python3"));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(env);
    Path err = Files.createTempFile("dag-harness", ".err");
    try {
      Process process = builder.redirectError(err.toFile()).start();
      String out = new String(process.getInputStream().readAllBytes());
      assertEquals(0, process.waitFor(), "python3 " + args + " failed: " + out + Files.readString(err));
      return out;
    } finally {
      Files.deleteIfExists(err);
    }
  }
}
