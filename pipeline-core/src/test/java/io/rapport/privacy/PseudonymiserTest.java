package io.rapport.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rapport.config.RapportSettings;
import io.rapport.errors.ConfigurationException;
import io.rapport.schema.StagedSchemas;
import io.rapport.staging.Rejects;
import io.rapport.testing.SparkTestSupport;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class PseudonymiserTest extends SparkTestSupport {
  private static final byte[] KEY = "a-test-key-of-some-length".getBytes(StandardCharsets.UTF_8);

  @Test
  void sameKeyAndIdGiveTheSamePseudonymAndOtherKeysAnother() {
    String p = Pseudonymiser.pseudonym(KEY, "C0000015");
    assertEquals(p, Pseudonymiser.pseudonym(KEY, "C0000015"));
    assertTrue(p.matches("p_[0-9a-f]{32}"), p);
    assertNotEquals(p, Pseudonymiser.pseudonym(KEY, "C0000016"));
    assertNotEquals(p, Pseudonymiser.pseudonym("another-key-of-length".getBytes(StandardCharsets.UTF_8), "C0000015"));
    assertNull(Pseudonymiser.pseudonym(KEY, null));
  }

  @Test
  void rfc4231TestCase2FixesTheAlgorithm() {
    // RFC 4231 test case 2: HMAC-SHA-256(key "Jefe", "what do ya want for nothing?") starts 5bdcc146bf60754e6a042426089575c7.
    assertEquals("p_5bdcc146bf60754e6a042426089575c7",
        Pseudonymiser.pseudonym("Jefe".getBytes(StandardCharsets.UTF_8), "what do ya want for nothing?"));
  }

  @Test
  void customerIdColumnIsReplacedAndNullsStayNull() {
    StructType schema = new StructType().add("customer_id", DataTypes.StringType).add("n", DataTypes.IntegerType);
    List<Row> rows = Pseudonymiser.withPseudonymousCustomerIds(spark.createDataFrame(
        Arrays.asList(RowFactory.create("C1", 1), RowFactory.create(null, 2)), schema), KEY).orderBy("n").collectAsList();
    assertEquals(Pseudonymiser.pseudonym(KEY, "C1"), rows.get(0).getString(0));
    assertNull(rows.get(1).get(0));
    assertEquals(schema, Pseudonymiser.withPseudonymousCustomerIds(spark.createDataFrame(List.of(), schema), KEY).schema());
  }

  @Test
  void rawRecordsKeepTheirFieldsButNotTheIdAndMalformedLinesAreWithheld() {
    List<Row> rejects = Pseudonymiser.withPseudonymousRawRecords(spark.createDataFrame(Arrays.asList(
        RowFactory.create("purchases", "f.csv", "zero_quantity", "quantity '0'", "{\"CustomerID\":\"C7\",\"Quantity\":\"0\"}"),
        RowFactory.create("purchases", "f.csv", "malformed_row", "too many fields", "C7,1,2,3,4,5"),
        RowFactory.create("surveys", "s.csv", "missing_response_id", "", "{\"customer_id\":null}")),
        Rejects.TABLE.schema()), Map.of("purchases", "CustomerID", "surveys", "customer_id"), KEY).collectAsList();
    String first = rejects.get(0).getAs(StagedSchemas.RAW_RECORD);
    assertFalse(first.contains("C7"), first);
    assertTrue(first.contains(Pseudonymiser.pseudonym(KEY, "C7")) && first.contains("\"Quantity\":\"0\""), first);
    assertEquals(Pseudonymiser.WITHHELD, rejects.get(1).getAs(StagedSchemas.RAW_RECORD));
    assertEquals("{\"customer_id\":null}", rejects.get(2).getAs(StagedSchemas.RAW_RECORD));
  }

  @Test
  void missingOrShortKeyIsAConfigurationError() {
    var e = assertThrows(ConfigurationException.class,
        () -> Pseudonymiser.key(new RapportSettings.Privacy(true, "RAPPORT_TEST_SURELY_UNSET_VARIABLE")));
    assertTrue(e.getMessage().contains("RAPPORT_TEST_SURELY_UNSET_VARIABLE is not set"), e.getMessage());
  }
}
