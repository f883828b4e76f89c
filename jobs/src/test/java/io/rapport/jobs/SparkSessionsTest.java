package io.rapport.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rapport.config.RapportSettings;
import io.rapport.config.SettingsLoader;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/** The session settings that depend on where tasks run (no Spark session is started). */
class SparkSessionsTest {
  private static final String SOURCES = "sources:\n  purchases: {path: /data/p/*.csv, format: csv}\n";

  private static RapportSettings settings(String extra) {
    return SettingsLoader.parse("warehouse: /tmp/w\n" + SOURCES + extra, "test.yaml");
  }

  @Test
  void underSparkSubmitTheExecutorOptionsDecideWhetherHugeMethodsAreCompiled() {
    SparkConf with = new SparkConf(false).set("spark.executor.extraJavaOptions",
        "--add-opens=java.base/java.lang=ALL-UNNAMED -XX:-DontCompileHugeMethods -Duser.timezone=UTC");
    SparkConf without = new SparkConf(false).set("spark.executor.extraJavaOptions", "-Duser.timezone=UTC");
    assertTrue(SparkSessions.compilesHugeMethods(false, with, settings("")));
    assertFalse(SparkSessions.compilesHugeMethods(false, without, settings("")));
    assertFalse(SparkSessions.compilesHugeMethods(false, new SparkConf(false), settings("")));
    // The flag switched on again (+) is not the flag.
    assertFalse(SparkSessions.compilesHugeMethods(false,
        new SparkConf(false).set("spark.executor.extraJavaOptions", "-XX:+DontCompileHugeMethods"), settings("")));
    // A spark: entry of the configuration is applied last, so it decides.
    assertTrue(SparkSessions.compilesHugeMethods(false, without,
        settings("spark: {spark.executor.extraJavaOptions: \"-XX:-DontCompileHugeMethods\"}\n")));
  }

  @Test
  void locallyThisJvmsOwnFlagDecides() {
    boolean expected = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()
        .contains(SparkSessions.COMPILE_HUGE_METHODS);
    assertEquals(expected, SparkSessions.compilesHugeMethods(true, new SparkConf(false), settings("")));
  }

  @Test
  void onlyInputsBelowAMegabyteAreInterpreted() {
    // The samples (0.46 MB) are interpreted; 1.5 MB, where the two modes measured even, is compiled.
    assertEquals("false", SparkSessions.expressionEvaluation(456_791).get("spark.sql.codegen.wholeStage"));
    assertEquals("NO_CODEGEN", SparkSessions.expressionEvaluation(456_791).get("spark.sql.codegen.factoryMode"));
    assertEquals("true", SparkSessions.expressionEvaluation(1_489_342).get("spark.sql.codegen.wholeStage"));
    assertEquals("FALLBACK", SparkSessions.expressionEvaluation(1_489_342).get("spark.sql.codegen.factoryMode"));
    // An input that could not be sized is compiled, the mode that suits every size.
    assertEquals("true", SparkSessions.expressionEvaluation(0).get("spark.sql.codegen.wholeStage"));
  }
}
