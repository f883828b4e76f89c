package io.rapport.staging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rapport.config.RapportSettings;
import io.rapport.config.SettingsLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The readiness rule of {@code validate --require-day}: the day folder of each source and its _SUCCESS marker. */
class DayReadinessTest {
  private static final LocalDate DAY = LocalDate.of(2025, 8, 31);

  @TempDir Path root;

  private RapportSettings settings(String purchases, String reviews) {
    String yaml = "sources:\n  purchases: {path: \"" + purchases + "\", format: csv}\n"
        + (reviews == null ? "" : "  reviews: {path: \"" + reviews + "\", format: csv}\n");
    return SettingsLoader.parse(yaml, "test");
  }

  private Path dayFolder(String source, String name, boolean marker, int files) throws IOException {
    Path folder = Files.createDirectories(root.resolve(source).resolve(name));
    for (int i = 0; i < files; i++) {
      Files.writeString(folder.resolve("part-" + i + ".csv"), "order_id\n");
    }
    if (marker) {
      Files.writeString(folder.resolve(DayReadiness.MARKER), "");
    }
    return folder;
  }

  private DayReadiness.SourceDay check(RapportSettings settings, String source) {
    return DayReadiness.check(settings, DAY, new Configuration()).sources().stream()
        .filter(s -> s.source().equals(source)).findFirst().orElseThrow();
  }

  @Test
  void dayFolderWithItsMarkerIsReady() throws IOException {
    Path folder = dayFolder("purchases", "2025-08-31", true, 2);
    dayFolder("purchases", "2025-08-30", true, 5);

    DayReadiness.SourceDay day = check(settings(root + "/purchases/*/*.csv", null), "purchases");

    assertTrue(day.ready(), day.problem());
    assertEquals(folder.toString(), day.dayFolder(), "the folder as the configured path names it");
    assertTrue(day.markerPresent());
    assertEquals(2, day.dataFiles(), "only the day's data files, not the marker, not other days");
  }

  @Test
  void dayFolderWithoutItsMarkerIsStillBeingWritten() throws IOException {
    dayFolder("purchases", "2025-08-31", false, 3);

    DayReadiness.Result result = DayReadiness.check(settings(root + "/purchases/*/*.csv", null), DAY, new Configuration());

    assertFalse(result.ready());
    assertEquals(List.of("purchases: day folder " + root + "/purchases/2025-08-31 has no _SUCCESS marker yet"
        + " (3 data file(s) so far)"), result.problems());
  }

  @Test
  void missingDayFolderOfARequiredSourceIsNotReady() throws IOException {
    dayFolder("purchases", "2025-08-30", true, 1);

    DayReadiness.SourceDay day = check(settings(root + "/purchases/*/*.csv", null), "purchases");

    assertFalse(day.ready());
    assertFalse(day.folderExists());
    assertEquals("day folder " + root + "/purchases/2025-08-31 does not exist yet", day.problem());
  }

  @Test
  void optionalSourceMayHaveNoDayFolderButNotAHalfWrittenOne() throws IOException {
    dayFolder("purchases", "2025-08-31", true, 1);
    RapportSettings settings = settings(root + "/purchases/*/*.csv", root + "/reviews/*/*.csv");

    DayReadiness.SourceDay absent = check(settings, "reviews");
    assertTrue(absent.ready(), absent.problem());
    assertFalse(absent.required());
    assertFalse(absent.folderExists());

    dayFolder("reviews", "2025-08-31", false, 1);
    DayReadiness.SourceDay partial = check(settings, "reviews");
    assertFalse(partial.ready());
    assertTrue(partial.problem().contains("has no _SUCCESS marker yet"), partial.problem());
  }

  @Test
  void hiveStyleDateFoldersAreDayFoldersToo() throws IOException {
    dayFolder("purchases", "date=2025-08-31", true, 1);

    DayReadiness.SourceDay day = check(settings(root + "/purchases/date=*/*.csv", null), "purchases");

    assertTrue(day.ready(), day.problem());
    assertTrue(day.dayFolder().endsWith("/purchases/date=2025-08-31"), day.dayFolder());
  }

  @Test
  void pathWithoutADayFolderOnlyNeedsAFile() throws IOException {
    Path file = Files.createDirectories(root.resolve("purchases")).resolve("all.csv");
    Files.writeString(file, "order_id\n");

    DayReadiness.SourceDay day = check(settings(root + "/purchases/*.csv", null), "purchases");

    assertTrue(day.ready(), day.problem());
    assertNull(day.dayFolder(), "*.csv names files, not day folders");
    assertEquals(1, day.dataFiles());
  }

  @Test
  void unconfiguredOptionalSourcesAreReady() throws IOException {
    dayFolder("purchases", "2025-08-31", true, 1);

    DayReadiness.Result result = DayReadiness.check(settings(root + "/purchases/*/*.csv", null), DAY, new Configuration());

    assertTrue(result.ready(), result.problems().toString());
    assertEquals(List.of("purchases", "surveys", "reviews"), result.sources().stream().map(DayReadiness.SourceDay::source).toList());
  }
}
