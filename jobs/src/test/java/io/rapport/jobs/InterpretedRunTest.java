package io.rapport.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rapport.config.SettingsLoader;
import io.rapport.config.SettingsLoader.LoadedSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Small local inputs run with Spark's expression interpreter (decision A11): on the bundled samples
 * that mode publishes exactly the tables of a run with generated code.
 */
class InterpretedRunTest {
  private static final LocalDate AS_OF = LocalDate.parse("2025-08-31");

  @TempDir Path interpretedWork;
  @TempDir Path compiledWork;

  @Test
  void theSamplesAreInterpretedAndPublishTheTablesOfACompiledRun() throws IOException {
    LoadedSettings interpreted = SettingsLoader.load(JobTestSupport.sampleConfig(interpretedWork, ""));
    SparkSession spark = SparkSessions.create(interpreted.settings(), "interpreted-run-test");
    assertEquals("false", spark.conf().get("spark.sql.codegen.wholeStage"), "the samples are below the threshold");
    assertEquals("NO_CODEGEN", spark.conf().get("spark.sql.codegen.factoryMode"));
    assertEquals(0, RunLauncher.run(interpreted, AS_OF, false, spark).exitCode());

    Map<String, String> compiled = SparkSessions.expressionEvaluation(SparkSessions.INTERPRET_BELOW_BYTES);
    assertEquals("true", compiled.get("spark.sql.codegen.wholeStage"));
    compiled.forEach(spark.conf()::set);
    try {
      LoadedSettings compiledSettings = SettingsLoader.load(JobTestSupport.sampleConfig(compiledWork, ""));
      assertEquals(0, RunLauncher.run(compiledSettings, AS_OF, false, spark).exitCode());
    } finally {
      SparkSessions.expressionEvaluation(1).forEach(spark.conf()::set);
    }
    RestartAfterFailureTest.CleanRun.assertSameTables(spark, compiledWork.resolve("warehouse"),
        interpretedWork.resolve("warehouse"), AS_OF);
  }
}
