// A Key Vault JSON Web Key's public part as a PEM SubjectPublicKeyInfo, made by the browser's WebCrypto from n/e or x/y.
const CURVES = { "P-256": "P-256", "P-384": "P-384", "P-521": "P-521" };

export async function publicKeyPem(jwk) {
  let imported;
  if (jwk.kty?.startsWith("RSA")) {
    imported = await crypto.subtle.importKey("jwk", { kty: "RSA", n: jwk.n, e: jwk.e, ext: true }, { name: "RSA-PSS", hash: "SHA-256" }, true, ["verify"]);
  } else if (jwk.kty?.startsWith("EC")) {
    if (!CURVES[jwk.crv]) throw new Error(`This browser cannot export ${jwk.crv} public keys (WebCrypto has P-256, P-384 and P-521).`);
    imported = await crypto.subtle.importKey("jwk", { kty: "EC", crv: jwk.crv, x: jwk.x, y: jwk.y, ext: true }, { name: "ECDSA", namedCurve: jwk.crv }, true, ["verify"]);
  } else {
    throw new Error("Symmetric (oct) keys have no public part.");
  }
  const der = new Uint8Array(await crypto.subtle.exportKey("spki", imported));
  const b64 = btoa(String.fromCharCode(...der)).match(/.{1,64}/g).join("\n");
  return `-----BEGIN PUBLIC KEY-----\n${b64}\n-----END PUBLIC KEY-----\n`;
}

export function download(fileName, text, type = "application/x-pem-file") {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
