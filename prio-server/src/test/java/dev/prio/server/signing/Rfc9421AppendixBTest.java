package dev.prio.server.signing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.greenbytes.http.sfv.ByteSequenceItem;
import org.greenbytes.http.sfv.InnerList;
import org.greenbytes.http.sfv.ListElement;
import org.greenbytes.http.sfv.Parser;
import org.junit.jupiter.api.Test;

/**
 * RFC 9421 Appendix B: the signature bases of B.2.1–B.2.6 reproduced byte for byte, each proven
 * against the RFC's published signature with the RFC's own keys (RSA-PSS, ECDSA P-256 and HMAC with
 * the JDK, Ed25519 with our code), and B.2.6 re-signed to the identical Ed25519 signature. Also RFC
 * 9530 digests: the sha-512 Content-Digest values of the RFC's test request and response.
 */
class Rfc9421AppendixBTest {
  static final String REQUEST_DIGEST =
      "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:";
  static final String RESPONSE_DIGEST =
      "sha-512=:mEWXIS7MaLRuGgxOBdODa3xqM1XdEvxoYhvlCFJ41QJgJc4GTsPp29l5oGX69wWdXymyU0rjJuahq4l5aGgfLQ==:";

  /** B.1.2 test-key-rsa-pss, public. */
  static final String RSA_PSS_PUBLIC =
      "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAr4tmm3r20Wd/PbqvP1s2"
          + "+QEtvpuRaV8Yq40gjUR8y2Rjxa6dpG2GXHbPfvMs8ct+Lh1GH45x28Rw3Ry53mm+"
          + "oAXjyQ86OnDkZ5N8lYbggD4O3w6M6pAvLkhk95AndTrifbIFPNU8PPMO7OyrFAHq"
          + "gDsznjPFmTOtCEcN2Z1FpWgchwuYLPL+Wokqltd11nqqzi+bJ9cvSKADYdUAAN5W"
          + "Utzdpiy6LbTgSxP7ociU4Tn0g5I6aDZJ7A8Lzo0KSyZYoA485mqcO0GVAdVw9lq4"
          + "aOT9v6d+nb4bnNkQVklLQ3fVAvJm+xdDOp9LCNCN48V2pnDOkFV6+U9nV5oyc6XI"
          + "2wIDAQAB";

  /** B.1.3 test-key-ecc-p256, public. */
  static final String ECC_P256_PUBLIC =
      "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEqIVYZVLCrPZHGHjP17CTW0/+D9Lf"
          + "w0EkjqF7xB4FivAxzic30tMM4GF+hR6Dxh71Z50VGGdldkkDXZCnTNnoXQ==";

  /** B.1.4 test-key-ed25519. */
  static final String ED25519_PUBLIC_PEM =
      """
      -----BEGIN PUBLIC KEY-----
      MCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=
      -----END PUBLIC KEY-----
      """;

  static final String ED25519_PRIVATE_PEM =
      """
      -----BEGIN PRIVATE KEY-----
      MC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF
      -----END PRIVATE KEY-----
      """;

  /** The same key as JWK members (base64url raw): d and x. */
  static final String ED25519_JWK_D = "n4Ni-HpISpVObnQMW0wOhCKROaIKqKtW_2ZYb2p9KcU";

  static final String ED25519_JWK_X = "JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs";

  /** B.1.5 test-shared-secret. */
  static final String SHARED_SECRET =
      "uzvJfB4u3N0Jy4T7NZ75MDVcr8zSTInedJtkgcu46YW4XByzNJjxBdtjUkdJPBtbmHhIDi6pcl8jsasjlTMtDQ==";

  static HttpMessage testRequest() {
    Map<String, List<String>> h = new LinkedHashMap<>();
    h.put("Host", List.of("example.com"));
    h.put("Date", List.of("Tue, 20 Apr 2021 02:07:55 GMT"));
    h.put("Content-Type", List.of("application/json"));
    h.put("Content-Digest", List.of(REQUEST_DIGEST));
    h.put("Content-Length", List.of("18"));
    return HttpMessage.request(
        "POST", URI.create("https://example.com/foo?param=Value&Pet=dog"), h);
  }

  static HttpMessage testResponse() {
    Map<String, List<String>> h = new LinkedHashMap<>();
    h.put("Date", List.of("Tue, 20 Apr 2021 02:07:56 GMT"));
    h.put("Content-Type", List.of("application/json"));
    h.put("Content-Digest", List.of(RESPONSE_DIGEST));
    h.put("Content-Length", List.of("23"));
    return HttpMessage.response(200, h, null);
  }

  static String base(String signatureInput, String label, HttpMessage message) throws Exception {
    ListElement<? extends Object> m = new Parser(signatureInput).parseDictionary().get().get(label);
    return SignatureBase.build((InnerList) m, message);
  }

  static String lines(String... lines) {
    return String.join("\n", lines);
  }

  @Test
  void rfc9530_digests_of_the_test_messages() {
    assertThat(
            ContentDigest.of(
                ContentDigest.SHA_512, "{\"hello\": \"world\"}".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(REQUEST_DIGEST);
    assertThat(
            ContentDigest.of(
                ContentDigest.SHA_512,
                "{\"message\": \"good dog\"}".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(RESPONSE_DIGEST);
  }

  @Test
  void b21_minimal() throws Exception {
    String input =
        "sig-b21=();created=1618884473;keyid=\"test-key-rsa-pss\";nonce=\"b3k2pp5k7z-50gnwp.yemd\"";
    String base = base(input, "sig-b21", testRequest());
    assertThat(base)
        .isEqualTo(
            "\"@signature-params\": ();created=1618884473;keyid=\"test-key-rsa-pss\";nonce=\"b3k2pp5k7z-50gnwp.yemd\"");
    assertThat(
            rsaPss(
                base,
                "d2pmTvmbncD3xQm8E9ZV2828BjQWGgiwAaw5bAkgibUopemLJcWDy/lkbbHAve4cRAtx31Iq786U7it++wgGxbtRxf8"
                    + "Udx7zFZsckzXaJMkA7ChG52eSkFxykJeNqsrWH5S+oxNFlD4dzVuwe8DhTSja8xxbR/Z2cOGdCbzR72rgFWhzx2VjBqJzsPLMIQKhO4DGezXeh"
                    + "hWwE56YCE+O6c0mKZsfxVrogUvA4HELjVKWmAvtl6UnCh8jYzuVG5WSb/QEVPnP5TmcAnLH1g+s++v6d4s8m0gCw1fV5/SITLq9mhho8K3+7EPY"
                    + "TU8IU1bLhdxO5Nyt8C8ssinQ98Xw9Q=="))
        .isTrue();
  }

  @Test
  void b22_selective_components_with_query_param_and_tag() throws Exception {
    String input =
        "sig-b22=(\"@authority\" \"content-digest\" \"@query-param\";name=\"Pet\");created=1618884473"
            + ";keyid=\"test-key-rsa-pss\";tag=\"header-example\"";
    String base = base(input, "sig-b22", testRequest());
    assertThat(base)
        .isEqualTo(
            lines(
                "\"@authority\": example.com",
                "\"content-digest\": " + REQUEST_DIGEST,
                "\"@query-param\";name=\"Pet\": dog",
                "\"@signature-params\": (\"@authority\" \"content-digest\" \"@query-param\";name=\"Pet\")"
                    + ";created=1618884473;keyid=\"test-key-rsa-pss\";tag=\"header-example\""));
    assertThat(
            rsaPss(
                base,
                "LjbtqUbfmvjj5C5kr1Ugj4PmLYvx9wVjZvD9GsTT4F7GrcQEdJzgI9qHxICagShLRiLMlAJjtq6N4CDfKtjvuJyE5qH7"
                    + "KT8UCMkSowOB4+ECxCmT8rtAmj/0PIXxi0A0nxKyB09RNrCQibbUjsLS/2YyFYXEu4TRJQzRw1rLEuEfY17SARYhpTlaqwZVtR8NV7+4UKkjqpc"
                    + "AoFqWFQh62s7Cl+H2fjBSpqfZUJcsIk4N6wiKYd4je2U/lankenQ99PZfB4jY3I5rSV2DSBVkSFsURIjYErOs0tFTQosMTAoxk//0RoKUqiYY8B"
                    + "h0aaUEb0rQl3/XaVe4bXTugEjHSw=="))
        .isTrue();
  }

  @Test
  void b23_full_coverage() throws Exception {
    String input =
        "sig-b23=(\"date\" \"@method\" \"@path\" \"@query\" \"@authority\" \"content-type\" \"content-digest\""
            + " \"content-length\");created=1618884473;keyid=\"test-key-rsa-pss\"";
    String base = base(input, "sig-b23", testRequest());
    assertThat(base)
        .isEqualTo(
            lines(
                "\"date\": Tue, 20 Apr 2021 02:07:55 GMT",
                "\"@method\": POST",
                "\"@path\": /foo",
                "\"@query\": ?param=Value&Pet=dog",
                "\"@authority\": example.com",
                "\"content-type\": application/json",
                "\"content-digest\": " + REQUEST_DIGEST,
                "\"content-length\": 18",
                "\"@signature-params\": (\"date\" \"@method\" \"@path\" \"@query\" \"@authority\" \"content-type\""
                    + " \"content-digest\" \"content-length\");created=1618884473;keyid=\"test-key-rsa-pss\""));
    assertThat(
            rsaPss(
                base,
                "bbN8oArOxYoyylQQUU6QYwrTuaxLwjAC9fbY2F6SVWvh0yBiMIRGOnMYwZ/5MR6fb0Kh1rIRASVxFkeGt683+qRpRRU"
                    + "5p2voTp768ZrCUb38K0fUxN0O0iC59DzYx8DFll5GmydPxSmme9v6ULbMFkl+V5B1TP/yPViV7KsLNmvKiLJH1pFkh/aYA2HXXZzNBXmIkoQoL"
                    + "d7YfW91kE9o/CCoC1xMy7JA1ipwvKvfrs65ldmlu9bpG6A9BmzhuzF8Eim5f8ui9eH8LZH896+QIF61ka39VBrohr9iyMUJpvRX2Zbhl5ZJzSRx"
                    + "pJyoEZAFL2FUo5fTIztsDZKEgM4cUA=="))
        .isTrue();
  }

  @Test
  void b24_response() throws Exception {
    String input =
        "sig-b24=(\"@status\" \"content-type\" \"content-digest\" \"content-length\");created=1618884473"
            + ";keyid=\"test-key-ecc-p256\"";
    String base = base(input, "sig-b24", testResponse());
    assertThat(base)
        .isEqualTo(
            lines(
                "\"@status\": 200",
                "\"content-type\": application/json",
                "\"content-digest\": " + RESPONSE_DIGEST,
                "\"content-length\": 23",
                "\"@signature-params\": (\"@status\" \"content-type\" \"content-digest\" \"content-length\")"
                    + ";created=1618884473;keyid=\"test-key-ecc-p256\""));
    Signature ecdsa = Signature.getInstance("SHA256withECDSAinP1363Format");
    ecdsa.initVerify(publicKey("EC", ECC_P256_PUBLIC));
    ecdsa.update(base.getBytes(StandardCharsets.UTF_8));
    assertThat(
            ecdsa.verify(
                Base64.getDecoder()
                    .decode(
                        "wNmSUAhwb5LxtOtOpNa6W5xj067m5hFrj0XQ4fvpaCLx0NKocgPquLgyahnzDnDAUy5eCdlYUEkLIj+32oiasw==")))
        .isTrue();
  }

  @Test
  void b25_hmac() throws Exception {
    String input =
        "sig-b25=(\"date\" \"@authority\" \"content-type\");created=1618884473;keyid=\"test-shared-secret\"";
    String base = base(input, "sig-b25", testRequest());
    assertThat(base)
        .isEqualTo(
            lines(
                "\"date\": Tue, 20 Apr 2021 02:07:55 GMT",
                "\"@authority\": example.com",
                "\"content-type\": application/json",
                "\"@signature-params\": (\"date\" \"@authority\" \"content-type\");created=1618884473;keyid=\"test-shared-secret\""));
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(Base64.getDecoder().decode(SHARED_SECRET), "HmacSHA256"));
    assertThat(
            Base64.getEncoder().encodeToString(mac.doFinal(base.getBytes(StandardCharsets.UTF_8))))
        .isEqualTo("pxcQw6G3AjtMBQjwo8XzkZf/bws5LelbaMk5rGIGtE8=");
  }

  static final String B26_INPUT =
      "sig-b26=(\"date\" \"@method\" \"@path\" \"@authority\" \"content-type\" \"content-length\")"
          + ";created=1618884473;keyid=\"test-key-ed25519\"";
  static final String B26_SIGNATURE =
      "wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==";

  @Test
  void b26_ed25519_base_and_signature_byte_for_byte() throws Exception {
    String base = base(B26_INPUT, "sig-b26", testRequest());
    assertThat(base)
        .isEqualTo(
            lines(
                "\"date\": Tue, 20 Apr 2021 02:07:55 GMT",
                "\"@method\": POST",
                "\"@path\": /foo",
                "\"@authority\": example.com",
                "\"content-type\": application/json",
                "\"content-length\": 18",
                "\"@signature-params\": (\"date\" \"@method\" \"@path\" \"@authority\" \"content-type\" \"content-length\")"
                    + ";created=1618884473;keyid=\"test-key-ed25519\""));
    byte[] signature =
        Ed25519Keys.sign(Ed25519Keys.parsePrivate(ED25519_PRIVATE_PEM), SignatureBase.bytes(base));
    assertThat(Base64.getEncoder().encodeToString(signature)).isEqualTo(B26_SIGNATURE);
    // The Signature field as the RFC shows it.
    assertThat(Sfv.dictionary("sig-b26", ByteSequenceItem.valueOf(signature)))
        .isEqualTo("sig-b26=:" + B26_SIGNATURE + ":");
    assertThat(
            Ed25519Keys.verify(
                Ed25519Keys.parsePublic(ED25519_PUBLIC_PEM),
                SignatureBase.bytes(base),
                Base64.getDecoder().decode(B26_SIGNATURE)))
        .isTrue();
  }

  @Test
  void b26_same_key_in_every_accepted_encoding() {
    var pem = Ed25519Keys.parsePrivate(ED25519_PRIVATE_PEM);
    var pkcs8 =
        Ed25519Keys.parsePrivate(
            "MC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF");
    var jwk = Ed25519Keys.parsePrivate(ED25519_JWK_D);
    var hex = Ed25519Keys.parsePrivate(java.util.HexFormat.of().formatHex(pem.getEncoded()));
    var b64 = Ed25519Keys.parsePrivate(Base64.getEncoder().encodeToString(pem.getEncoded()));
    for (var k : List.of(pkcs8, jwk, hex, b64)) {
      assertThat(k.getEncoded()).isEqualTo(pem.getEncoded());
    }
    var pub = Ed25519Keys.parsePublic(ED25519_PUBLIC_PEM);
    assertThat(Ed25519Keys.parsePublic(ED25519_JWK_X).getEncoded()).isEqualTo(pub.getEncoded());
    assertThat(
            Ed25519Keys.parsePublic("MCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=")
                .getEncoded())
        .isEqualTo(pub.getEncoded());
    assertThat(pem.generatePublicKey().getEncoded()).isEqualTo(pub.getEncoded());
  }

  private static boolean rsaPss(String base, String signatureB64) throws Exception {
    Signature pss = Signature.getInstance("RSASSA-PSS");
    pss.setParameter(new PSSParameterSpec("SHA-512", "MGF1", MGF1ParameterSpec.SHA512, 64, 1));
    pss.initVerify(publicKey("RSA", RSA_PSS_PUBLIC));
    pss.update(base.getBytes(StandardCharsets.UTF_8));
    return pss.verify(Base64.getDecoder().decode(signatureB64));
  }

  private static PublicKey publicKey(String alg, String spkiB64) throws Exception {
    return KeyFactory.getInstance(alg)
        .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(spkiB64)));
  }
}
