"""The vendor's signing identity for swupdate images and detached CMS signatures made with it.

swupdate (built with CMS signatures, as Debian's is) verifies `sw-description.sig`, a detached DER
CMS SignedData over `sw-description`, against the certificate given with `-k`; the signer's
certificate must carry the purpose given with `--cert-purpose` (codeSigning here).
"""

import datetime
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CERT_PURPOSE = "codeSigning"
VALIDITY = datetime.timedelta(days=3650)


@dataclass(frozen=True)
class Signer:
    """A private key and the self-signed certificate the unit trusts for it."""

    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate

    def certificate_pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    def sign(self, content: bytes) -> bytes:
        """A detached DER CMS signature over `content`, as `openssl cms -sign -binary -outform DER`."""
        options = [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary, pkcs7.PKCS7Options.NoCapabilities]
        return (pkcs7.PKCS7SignatureBuilder().set_data(content)
                .add_signer(self.certificate, self.key, hashes.SHA256())
                .sign(serialization.Encoding.DER, options))


def new_signer(common_name: str) -> Signer:
    """A fresh P-256 key with a self-signed code-signing certificate."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CODE_SIGNING]), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Signer(key, certificate)


def load_or_create(key_file: Path, certificate_file: Path, common_name: str) -> Signer:
    """The signer kept in these two PEM files, made on first use."""
    if not (key_file.exists() and certificate_file.exists()):
        signer = new_signer(common_name)
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.touch(mode=0o600)
        key_file.write_bytes(signer.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                      serialization.NoEncryption()))
        certificate_file.write_bytes(signer.certificate_pem())
    key = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise ValueError(f"{key_file} is not an EC key; delete it and its certificate to make new ones")
    return Signer(key, x509.load_pem_x509_certificate(certificate_file.read_bytes()))
