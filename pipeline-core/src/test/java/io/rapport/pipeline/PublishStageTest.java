package io.rapport.pipeline;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rapport.config.SettingsLoader;
import io.rapport.testing.SparkTestSupport;
import io.rapport.warehouse.WarehouseLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A publish step restarted after its manifest was written and its staging removed is done. */
class PublishStageTest extends SparkTestSupport {
  private static final LocalDate AS_OF = LocalDate.of(2025, 8, 31);

  @TempDir Path warehouse;

  @Test
  void publishIsCompleteOnlyWithTheManifestAndNoStagingLeft() throws Exception {
    WarehouseLayout layout = new WarehouseLayout(warehouse.toString());
    PipelineRun run = new PipelineRun(spark, SettingsLoader.parse("sources: {purchases: {path: p.csv}}", "t"),
        AS_OF, layout, layout.staging(AS_OF, 7));
    Path staging = Path.of(run.staging().toString());
    Path manifest = Path.of(layout.manifest(AS_OF).toString());

    Files.createDirectories(staging);
    assertFalse(PublishStage.alreadyPublished(run), "no manifest yet");
    Files.createDirectories(manifest.getParent());
    Files.writeString(manifest, "{}");
    assertFalse(PublishStage.alreadyPublished(run), "manifest of an earlier run, this run still staged (a forced re-run)");
    Files.delete(staging);
    assertTrue(PublishStage.alreadyPublished(run), "manifest written and staging removed: published");
  }
}
