package io.rapport.models;

import java.io.Serializable;
import java.util.List;
import java.util.Optional;

/** The two CLV model fits of one run: BG/NBD for purchase counts, Gamma-Gamma for spend. */
public record ClvFits(ModelFit bgNbd, ModelFit gammaGamma) implements Serializable {

  /** BG/NBD parameters when that fit converged. */
  public Optional<BgNbdParameters> bgNbdParameters() {
    return BgNbdParameters.from(bgNbd);
  }

  /** Gamma-Gamma parameters when that fit converged. */
  public Optional<GammaGammaParameters> gammaGammaParameters() {
    return GammaGammaParameters.from(gammaGamma);
  }

  /** Both fits, BG/NBD first (the rows of {@code clv_model}). */
  public List<ModelFit> asList() {
    return List.of(bgNbd, gammaGamma);
  }
}
