package io.rapport.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rapport.config.SettingsLoader;
import io.rapport.errors.ConfigurationException;
import io.rapport.errors.DataQualityException;
import io.rapport.errors.InputContractException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.job.JobInterruptedException;

/**
 * The file, column and rule {@code --json} reads from a failure's message. The messages are those
 * pipeline-core throws; the ones a run produces are also checked end to end in JsonOutputTest.
 */
class RapportErrorsTest {
  @Test
  void missingColumnNamesSourceFileAndColumn() {
    RapportErrors.Details d = RapportErrors.details(new InputContractException("Cannot read purchases from file:/data/p/part-0.csv:"
        + " missing column client_number for canonical customer_id (present: order_id, customer_id)"));
    assertEquals(List.of("input_contract", "missing_column", "purchases", "file:/data/p/part-0.csv", "client_number"),
        List.of(d.kind(), d.rule(), d.source(), d.file(), d.column()));
  }

  @Test
  void pathMatchingNoFileNamesThePathAndItsKey() {
    RapportErrors.Details d = RapportErrors.details(new InputContractException(
        "Cannot read reviews: path /data/reviews/*/*.csv matches no file"));
    assertEquals("no_input_files", d.rule());
    assertEquals("reviews", d.source());
    assertEquals("/data/reviews/*/*.csv", d.path());
    assertEquals("sources.reviews.path", d.key());
  }

  @Test
  void rejectRateNamesTheSourceAndItsLimitKey() {
    RapportErrors.Details d = RapportErrors.details(new DataQualityException("Too many rejected surveys rows: 9 of 10 (90.00%)"
        + " exceed sources.surveys.max-reject-rate 5.00%; top reasons: invalid_score 9 (read 10 = ...)"));
    assertEquals(List.of("data_quality", "max_reject_rate", "surveys", "sources.surveys.max-reject-rate"),
        List.of(d.kind(), d.rule(), d.source(), d.key()));
  }

  @Test
  void qualityGateListsEveryFailedCheck() {
    RapportErrors.Details d = RapportErrors.details(new DataQualityException("Quality gate failed for 2025-08-31; nothing was published:\n"
        + "  - customer_facts / customer_id unique: 2 duplicate keys\n  - nps_summary / nps in -100..100: 1 row"));
    assertEquals("quality_check", d.rule());
    assertEquals(List.of(new RapportErrors.Check("customer_facts", "customer_id unique", "2 duplicate keys"),
        new RapportErrors.Check("nps_summary", "nps in -100..100", "1 row")), d.checks());
  }

  @Test
  void configurationErrorsNameTheKeyAndTheFile() {
    ConfigurationException unknown = assertThrowsConfiguration("warehouse: ./w\nchrun: {threshold-days: 30}\n");
    RapportErrors.Details d = RapportErrors.details(unknown);
    assertEquals(List.of("configuration", "unknown_key", "chrun"), List.of(d.kind(), d.rule(), d.key()));
    assertEquals("test.yaml", d.file());

    RapportErrors.Details zone = RapportErrors.details(new ConfigurationException(
        "Invalid configuration rapport.yaml: reporting.time-zone 'Mars/Base' is not an IANA time zone (for example Europe/Berlin)"));
    assertEquals("reporting.time-zone", zone.key());
    assertEquals("rapport.yaml", zone.file());
  }

  @Test
  void aBadOptionValueIsAUsageError() {
    RapportErrors.Details d = RapportErrors.details(new ConfigurationException("--as-of '31/08/2025' is not a date in the form yyyy-MM-dd"));
    assertEquals(List.of("usage", "invalid_argument", "--as-of"), List.of(d.kind(), d.rule(), d.key()));
  }

  @Test
  void wrappedKnownCausesAreFoundAndUnknownOnesAreNotExpected() {
    RuntimeException wrapped = new IllegalStateException("Cannot run 2025-08-31: boom",
        new RuntimeException(new DataQualityException("Too many rejected purchases rows: 1 of 5 (20.00%) exceed"
            + " sources.purchases.max-reject-rate 0.10%")));
    assertTrue(RapportErrors.isExpected(wrapped));
    assertEquals(3, RapportErrors.exitCode(wrapped));
    assertEquals("max_reject_rate", RapportErrors.details(wrapped).rule());

    // A full disk is no longer an unexplained failure (issue 14): named, restartable, no stack trace.
    RuntimeException full = new IllegalStateException("Cannot write /w/_runs/as_of_date=2025-08-31/manifest.json: boom",
        new java.io.IOException("No space left on device"));
    assertTrue(RapportErrors.isExpected(full));
    assertEquals(1, RapportErrors.exitCode(full));
    assertTrue(RapportErrors.message(full).startsWith(
        "Cannot write /w/_runs/as_of_date=2025-08-31/manifest.json: no space left on the device"), RapportErrors.message(full));
    RapportErrors.Details storage = RapportErrors.details(full);
    assertEquals(List.of("storage", "no_space", "/w/_runs/as_of_date=2025-08-31/manifest.json"),
        List.of(storage.kind(), storage.rule(), storage.path()));
    RuntimeException readOnly = new IllegalStateException("Job aborted",
        new java.nio.file.AccessDeniedException("/w/_staging/run-3"));
    assertEquals(2, RapportErrors.exitCode(readOnly), "retrying an unwritable path cannot help");

    RuntimeException unexpected = new IllegalStateException("disk on fire", new ArithmeticException("/ by zero"));
    assertFalse(RapportErrors.isExpected(unexpected));
    assertEquals(1, RapportErrors.exitCode(unexpected));
    assertEquals("ArithmeticException: / by zero", RapportErrors.message(unexpected));
    RapportErrors.Details d = RapportErrors.details(unexpected);
    assertEquals("run_failed", d.kind());
    assertNull(d.rule());
    assertFalse(RapportErrors.isExpected(new JobInterruptedException("stopped")));
  }

  private static ConfigurationException assertThrowsConfiguration(String yaml) {
    try {
      SettingsLoader.parse(yaml, "test.yaml");
    } catch (ConfigurationException e) {
      return e;
    }
    throw new AssertionError("no configuration error for " + yaml);
  }
}
