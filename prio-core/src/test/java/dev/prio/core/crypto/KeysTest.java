package dev.prio.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.prio.core.vectors.VectorSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Keys and the shared seed in prio-processor's hex/base64 forms (spec §2). */
class KeysTest {
  static final String FIXTURE_A_PRIVATE =
      "BD6BB9BEB089DBA6B6A75B4455A615D577699F973FAD9E327A33D9528B5C7F64";
  static final String FIXTURE_A_PUBLIC =
      "E74E9CDD78258D9EEFAFA0CA2C08733F95AB7C4297DEEA3C3A63AC2053C45127";

  static Stream<Path> keyFiles() throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(VectorSet.vectorsDir())) {
      files =
          walk.filter(p -> p.getFileName().toString().matches("server_[ab]_keys\\.json"))
              .sorted()
              .toList();
    }
    assertThat(files).hasSizeGreaterThanOrEqualTo(14);
    return files.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("keyFiles")
  void publicKeyIsX25519OfThePrivateKeyAndTheBasePoint(Path file) throws Exception {
    String json = Files.readString(file);
    String privHex = VectorSet.stringField(json, "private_key");
    String pubHex = VectorSet.stringField(json, "public_key");
    PrivateKey priv = PrivateKey.fromHex(privHex);
    assertThat(priv.publicKey().toHex()).isEqualTo(pubHex);
    byte[] nine = new byte[32];
    nine[0] = 9;
    assertThat(PacketCryptoTest.jdkX25519(priv.scalar(), nine))
        .containsExactly(PublicKey.fromHex(pubHex).raw());
    assertThat(priv.toHex()).isEqualTo(privHex); // the files are uppercase, as libprio exports
  }

  @Test
  void hexImportAcceptsBothCasesAndExportsUppercase() {
    PublicKey upper = PublicKey.fromHex(FIXTURE_A_PUBLIC);
    PublicKey lower = PublicKey.fromHex(FIXTURE_A_PUBLIC.toLowerCase(Locale.ROOT));
    StringBuilder mixed = new StringBuilder();
    for (int i = 0; i < 64; i++) {
      char c = FIXTURE_A_PUBLIC.charAt(i);
      mixed.append(i % 2 == 0 ? Character.toLowerCase(c) : c);
    }
    assertThat(lower).isEqualTo(upper).isEqualTo(PublicKey.fromHex(mixed.toString()));
    assertThat(lower.toHex()).isEqualTo(FIXTURE_A_PUBLIC);
    assertThat(PrivateKey.fromHex(FIXTURE_A_PRIVATE.toLowerCase(Locale.ROOT)).toHex())
        .isEqualTo(FIXTURE_A_PRIVATE);
    assertThat(lower.raw()[0]).isEqualTo((byte) 0xe7); // high nibble first
  }

  static Stream<String> badHex() {
    String ok = FIXTURE_A_PUBLIC;
    return Stream.of(
        ok.substring(1), // 63
        ok + "0", // 65
        "",
        ok.substring(0, 63) + "G",
        ok.substring(0, 63) + "g",
        ok.substring(0, 63) + " ",
        " " + ok.substring(1),
        ok.substring(0, 62) + "0x",
        ok.substring(0, 63) + "\u0663", // ARABIC-INDIC DIGIT THREE: a digit, but not ASCII
        ok.substring(0, 63) + "\uff21", // FULLWIDTH LATIN CAPITAL A
        ok.substring(0, 63) + "\u0660",
        ok.substring(0, 62) + "\uD835\uDFCE"); // MATHEMATICAL BOLD DIGIT ZERO (a surrogate pair)
  }

  @ParameterizedTest(name = "[{index}]")
  @MethodSource("badHex")
  void hexImportRejects(String hex) {
    assertThatThrownBy(() -> PublicKey.fromHex(hex)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PrivateKey.fromHex(hex)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void hexImportRejectsNull() {
    assertThatThrownBy(() -> PublicKey.fromHex(null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void hexIsLocaleIndependent() {
    Locale saved = Locale.getDefault();
    try {
      Locale.setDefault(Locale.forLanguageTag("tr-TR"));
      assertThat(PublicKey.fromHex(FIXTURE_A_PUBLIC.toLowerCase(Locale.ROOT)).toHex())
          .isEqualTo(FIXTURE_A_PUBLIC);
    } finally {
      Locale.setDefault(saved);
    }
  }

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {0, 31, 33})
  void rawKeysMustBe32Bytes(int length) {
    assertThatThrownBy(() -> PublicKey.fromRaw(new byte[length]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PrivateKey.fromRaw(new byte[length]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anyThirtyTwoBytesAreAPublicKey() {
    assertThat(PublicKey.fromRaw(new byte[32]).toHex()).isEqualTo("0".repeat(64));
  }

  @Test
  void keyPairJsonIsWhatPrioKeygenPrints() {
    KeyPair pair =
        new KeyPair(PrivateKey.fromHex(FIXTURE_A_PRIVATE), PublicKey.fromHex(FIXTURE_A_PUBLIC));
    assertThat(pair.toJson())
        .isEqualTo(
            "{\"private_key\": \""
                + FIXTURE_A_PRIVATE
                + "\", \"public_key\": \""
                + FIXTURE_A_PUBLIC
                + "\"}");
    assertThat(pair.toString()).doesNotContain(FIXTURE_A_PRIVATE);
    assertThat(PrivateKey.fromHex(FIXTURE_A_PRIVATE).toString()).doesNotContain(FIXTURE_A_PRIVATE);
    KeyPair generated = KeyPair.generate(PacketCryptoTest.seeded(5));
    assertThat(generated.privateKey().publicKey()).isEqualTo(generated.publicKey());
  }

  @Test
  void sharedSeedFixture() {
    SharedSeed seed = SharedSeed.fromBase64("nedME1QT1TS+7asOVOBqnA==");
    assertThat(dev.prio.core.support.AnnotatedHex.toHex(seed.raw()))
        .isEqualTo("9de74c135413d534beedab0e54e06a9c");
    assertThat(seed.toBase64()).isEqualTo("nedME1QT1TS+7asOVOBqnA==");
    assertThat(seed.toJson()).isEqualTo("{\"shared_seed\": \"nedME1QT1TS+7asOVOBqnA==\"}");
    assertThat(seed.toString()).doesNotContain("nedME1QT1TS");
    assertThat(SharedSeed.generate(PacketCryptoTest.seeded(1)).raw()).hasSize(16);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(
      strings = {
        "nedME1QT1TS+7asOVOBq", // 15 bytes
        "nedME1QT1TS+7asOVOBqnAA=", // 17 bytes
        "nedME1QT1TS-7asOVOBqnA==", // base64url alphabet
        "nedME1QT1TS+7asOVOBqnA=", // bad padding
        "nedME1QT1TS+7asOVOBqnA", // no padding: Python's b64decode refuses it too
        "!!!!",
        ""
      })
  void sharedSeedRejects(String value) {
    assertThatThrownBy(() -> SharedSeed.fromBase64(value))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
