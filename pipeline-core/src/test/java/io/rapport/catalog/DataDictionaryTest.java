package io.rapport.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rapport.schema.ColumnSpec;
import io.rapport.schema.TableSpec;
import io.rapport.testing.SharedData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * docs/tables/ is generated from the catalog: the committed files must equal what
 * {@link DataDictionary#render()} produces. Regenerate after changing a declaration with
 * {@code ./mvnw -pl pipeline-core test -Dtest=DataDictionaryTest -Drapport.regenerate-docs=true}.
 */
class DataDictionaryTest {
  static final Path DOCS = SharedData.projectRoot().resolve("docs/tables");

  @Test
  void committedDictionaryIsWhatTheCatalogGenerates() throws IOException {
    Map<String, String> generated = DataDictionary.render();
    if (Boolean.getBoolean("rapport.regenerate-docs")) {
      for (Map.Entry<String, String> e : generated.entrySet()) {
        Files.writeString(DOCS.resolve(e.getKey()), e.getValue(), StandardCharsets.UTF_8);
      }
    }
    List<String> stale = new ArrayList<>();
    for (Map.Entry<String, String> e : generated.entrySet()) {
      Path file = DOCS.resolve(e.getKey());
      if (!Files.exists(file) || !Files.readString(file, StandardCharsets.UTF_8).equals(e.getValue())) {
        stale.add(e.getKey());
      }
    }
    assertEquals(List.of(), stale, "docs/tables/ differs from the catalog; regenerate with "
        + "./mvnw -pl pipeline-core test -Dtest=DataDictionaryTest -Drapport.regenerate-docs=true");
  }

  @Test
  void everyColumnOfEveryTableIsDescribed() {
    List<String> undescribed = new ArrayList<>();
    for (TableSpec t : Catalog.all()) {
      for (ColumnSpec c : t.columns()) {
        if (c.definition().isBlank()) {
          undescribed.add(t.name() + "." + c.name());
        }
      }
      assertTrue(t.grain().startsWith("One row per"), t.name() + ": a grain sentence starts with 'One row per'");
    }
    assertEquals(List.of(), undescribed);
  }

  @Test
  void tableNamesAreUniqueAndSnakeCase() {
    List<String> names = Catalog.all().stream().map(TableSpec::name).toList();
    assertEquals(names.size(), names.stream().distinct().count(), "duplicate table names: " + names);
    names.forEach(n -> assertTrue(n.matches("[a-z][a-z0-9_]*"), n));
  }
}
