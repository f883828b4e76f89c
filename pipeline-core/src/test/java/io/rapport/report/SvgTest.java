package io.rapport.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class SvgTest {
  @Test
  void ticksAreRoundStepsCoveringTheRange() {
    // 23 / 5 = 4.6 -> step 5.
    assertEquals(List.of(0.0, 5.0, 10.0, 15.0, 20.0, 25.0), Svg.ticks(0, 23, 5));
    // -12..30 over 6: 7 -> step 10, from -20 up to 30.
    assertEquals(List.of(-20.0, -10.0, 0.0, 10.0, 20.0, 30.0), Svg.ticks(-12, 30, 6));
    // An empty range still gives an axis.
    assertEquals(List.of(5.0, 5.2, 5.4, 5.6, 5.8, 6.0), Svg.ticks(5, 5, 5));
  }

  @Test
  void numbersAreWrittenInAFixedLocaleWithoutNeedlessDecimals() {
    assertEquals("12", Svg.n(12.0));
    assertEquals("12.3", Svg.n(12.34));
    assertEquals("-0.5", Svg.n(-0.5));
  }

  @Test
  void scaleMapsTheDataRangeOntoPixelsAndCentresAnEmptyRange() {
    Svg.Scale y = new Svg.Scale(0, 100, 300, 100);
    assertEquals(300, y.at(0));
    assertEquals(200, y.at(50));
    assertEquals(150, new Svg.Scale(7, 7, 100, 200).at(7));
  }
}
