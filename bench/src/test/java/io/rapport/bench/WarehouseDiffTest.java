package io.rapport.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checksum behind {@code incremental_equals_full}: blind to row order and last-bit noise, not to a changed value. */
class WarehouseDiffTest {
  private static final LocalDate DATE = LocalDate.of(2025, 8, 31);

  @TempDir
  Path dir;

  private Path table(String warehouse, String name, String select) throws Exception {
    Path partition = dir.resolve(warehouse).resolve(name).resolve("as_of_date=" + DATE);
    Files.createDirectories(partition);
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
      // d as DOUBLE (DuckDB reads 0.1 as a decimal)
      st.execute("COPY (SELECT id, s, CAST(d AS DOUBLE) AS d FROM (" + select + ")) TO '" + partition.resolve("part-0.parquet") + "' (FORMAT parquet)");
    }
    return dir.resolve(warehouse);
  }

  @Test
  void sameRowsInAnotherOrderAndDoublesOffInTheLastBitAreEqual() throws Exception {
    Path a = table("a", "t", "SELECT * FROM (VALUES (1, 'x', CAST(0.1 AS DOUBLE) + CAST(0.2 AS DOUBLE)), (2, 'y', 1.5)) v(id, s, d)");
    Path b = table("b", "t", "SELECT * FROM (VALUES (2, 'y', 1.5), (1, 'x', 0.3)) v(id, s, d)");
    assertEquals(WarehouseDiff.checksum(a, "t", DATE), WarehouseDiff.checksum(b, "t", DATE));
    assertEquals(List.of("t"), WarehouseDiff.tables(a, b, DATE));
  }

  @Test
  void aChangedValueOrAMissingRowDiffers() throws Exception {
    Path a = table("a", "t", "SELECT * FROM (VALUES (1, 'x', 0.25), (2, 'y', 1.5)) v(id, s, d)");
    Path b = table("b", "t", "SELECT * FROM (VALUES (1, 'x', 0.25), (2, 'z', 1.5)) v(id, s, d)");
    Path c = table("c", "t", "SELECT * FROM (VALUES (1, 'x', 0.25)) v(id, s, d)");
    Path d = table("d", "t", "SELECT * FROM (VALUES (1, 'x', 0.2500001), (2, 'y', 1.5)) v(id, s, d)");
    WarehouseDiff.TableSum base = WarehouseDiff.checksum(a, "t", DATE);
    assertNotEquals(base, WarehouseDiff.checksum(b, "t", DATE));
    assertNotEquals(base, WarehouseDiff.checksum(c, "t", DATE));
    assertNotEquals(base, WarehouseDiff.checksum(d, "t", DATE));
    assertEquals(-1, WarehouseDiff.checksum(a, "missing", DATE).rows());
  }
}
