"""The Kafka security settings block against a real SASL_SSL listener: a broker of this test's own
(the same jars as the suite's broker, in a temporary folder, on free ports) with TLS from a CA made
here and SCRAM-SHA-512 users; the platform's admin client, relay producer and consumer work through
it with the right password and are refused with a wrong one."""
from __future__ import annotations

import datetime as dt
import ipaddress
import os
import shutil
import socket
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from kafka.errors import KafkaError
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from getihu_kit import kafka_security
from getihu_kit.bus import broker_ready, ensure_topics
from getihu_kit.consumer import ConsumerRunner, Subscription
from getihu_kit.events import TopicSpec, physical
from getihu_kit.produce import BatchProducer

ROOT = Path(__file__).resolve().parents[2]
LIB = ROOT / "deploy/kafka/.lib"
USER, PASSWORD = "getihu-worker", "a-scram-password-for-this-test"

pytestmark = pytest.mark.skipif(shutil.which("java") is None or not LIB.is_dir(),
                                reason="needs Java and the broker's jars (make test fetches them)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_tls(folder: Path) -> Path:
    """A CA, and a broker certificate it signs for 127.0.0.1 and localhost (PEM, as Kafka reads them)."""
    now = dt.datetime.now(dt.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "getihu test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
          .not_valid_after(now + dt.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])).issuer_name(ca_name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .sign(ca_key, hashes.SHA256()))
    pem = serialization.Encoding.PEM
    (folder / "broker.pem").write_bytes(
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        + cert.public_bytes(pem) + ca.public_bytes(pem))
    (folder / "ca.pem").write_bytes(ca.public_bytes(pem))
    return folder / "ca.pem"


@pytest.fixture(scope="module")
def broker(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sasl-ssl-broker")
    ca = make_tls(folder)
    secure, internal, controller = free_port(), free_port(), free_port()
    props = folder / "server.properties"
    props.write_text(f"""
process.roles=broker,controller
node.id=1
listeners=INTERNAL://127.0.0.1:{internal},SASL_SSL://127.0.0.1:{secure},CONTROLLER://127.0.0.1:{controller}
advertised.listeners=INTERNAL://127.0.0.1:{internal},SASL_SSL://127.0.0.1:{secure}
listener.security.protocol.map=INTERNAL:PLAINTEXT,SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT
inter.broker.listener.name=INTERNAL
controller.listener.names=CONTROLLER
controller.quorum.bootstrap.servers=127.0.0.1:{controller}
log.dirs={folder / "logs"}
sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
ssl.keystore.type=PEM
ssl.keystore.location={folder / "broker.pem"}
ssl.truststore.type=PEM
ssl.truststore.location={ca}
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
num.network.threads=1
num.io.threads=2
""")
    java = ["java", "-Xms128m", "-Xmx384m", "-cp", f"{LIB}/*",
            f"-Dlog4j2.configurationFile={ROOT / 'deploy/kafka/log4j2.properties'}"]
    subprocess.run(java + ["kafka.tools.StorageTool", "format", "--standalone", "-t", "x9s2B7bKQ3W5mY1nZ4aPcw",
                           "-c", str(props), "--add-scram", f"SCRAM-SHA-512=[name={USER},password={PASSWORD}]"],
                   check=True, capture_output=True, timeout=120)
    log = (folder / "broker.log").open("wb")
    proc = subprocess.Popen(java + ["kafka.Kafka", str(props)], stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while not broker_ready(f"127.0.0.1:{internal}", timeout_s=2):
            assert proc.poll() is None, (folder / "broker.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "the SASL_SSL broker did not start"
            time.sleep(0.5)
        yield {"bootstrap": f"127.0.0.1:{secure}", "ca": str(ca)}
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture()
def secured(monkeypatch, broker):
    """Set the settings block as a bureau's install does, for every client the kit creates."""
    def use(password: str):
        for k, v in {"SECURITY_PROTOCOL": "SASL_SSL", "SASL_MECHANISM": "SCRAM-SHA-512", "SASL_USERNAME": USER,
                     "SASL_PASSWORD": password, "SSL_CAFILE": broker["ca"]}.items():
            monkeypatch.setenv(f"GETIHU_KAFKA_{k}", v)
        kafka_security._from_environment.cache_clear()
    yield use
    for k in ("SECURITY_PROTOCOL", "SASL_MECHANISM", "SASL_USERNAME", "SASL_PASSWORD", "SSL_CAFILE"):
        monkeypatch.delenv(f"GETIHU_KAFKA_{k}", raising=False)
    kafka_security._from_environment.cache_clear()


def test_admin_relay_and_consumer_work_through_sasl_ssl(broker, secured):
    secured(PASSWORD)
    bootstrap, prefix = broker["bootstrap"], f"s{uuid.uuid4().hex[:8]}."
    assert broker_ready(bootstrap, timeout_s=10)  # the same check a wrong password fails below
    topic = "getihu.test.secure"
    ensure_topics(bootstrap, prefix, specs=[TopicSpec(topic, 1, False)])
    producer = BatchProducer(bootstrap)
    try:
        producer.send([(physical(topic, prefix), b"k", b'{"specversion":"1.0"}', ())])
    finally:
        producer.close()
    runner = ConsumerRunner(Subscription(name="secure", topics=[topic]), sessions=None, inbox=None,
                            bootstrap=bootstrap, topic_prefix=prefix)
    consumer = runner.make_consumer()
    try:
        deadline, got = time.monotonic() + 60, []
        while not got and time.monotonic() < deadline:
            got = [r for rs in consumer.poll(timeout_ms=1000).values() for r in rs]
        assert got and got[0].key == b"k"
    finally:
        consumer.close()


def test_a_wrong_password_is_refused(broker, secured):
    secured("not-the-password")
    with pytest.raises(KafkaError):  # the broker closes the connection at the failed SCRAM exchange
        BatchProducer(broker["bootstrap"], request_timeout_ms=5000).close()
    secured(PASSWORD)  # the same client, the same broker, the right password: accepted
    BatchProducer(broker["bootstrap"], request_timeout_ms=5000).close()
