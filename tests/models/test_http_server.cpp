#include "test_http_server.h"

#include <QHostAddress>
#include <QTcpSocket>

TestHttpServer::TestHttpServer(QObject* parent) : QObject(parent) {
    connect(&server_, &QTcpServer::newConnection, this, &TestHttpServer::onConnection);
}

bool TestHttpServer::listen() {
    return server_.listen(QHostAddress::LocalHost, 0);
}

QString TestHttpServer::endpoint() const {
    return QStringLiteral("http://127.0.0.1:%1").arg(server_.serverPort());
}

void TestHttpServer::onConnection() {
    while (QTcpSocket* socket = server_.nextPendingConnection()) {
        auto buffer = std::make_shared<QByteArray>();
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        connect(socket, &QTcpSocket::readyRead, this, [this, socket, buffer] {
            buffer->append(socket->readAll());
            const int end = buffer->indexOf("\r\n\r\n");
            if (end < 0) return;
            const QByteArray head = buffer->left(end);
            buffer->clear();
            respond(socket, head);
        });
    }
}

void TestHttpServer::respond(QTcpSocket* socket, const QByteArray& head) {
    const QList<QByteArray> lines = head.split('\n');
    const QList<QByteArray> request_line = lines.value(0).trimmed().split(' ');
    TestRequestLog log;
    log.path = request_line.value(1);
    for (const QByteArray& line : lines.mid(1)) {
        const int colon = line.indexOf(':');
        if (colon > 0 && line.left(colon).trimmed().toLower() == "range")
            log.range = line.mid(colon + 1).trimmed();
    }
    requests_.push_back(log);

    auto send = [socket](const QByteArray& status_line, const QList<QByteArray>& headers,
                         const QByteArray& body, qint64 content_length) {
        QByteArray out = "HTTP/1.1 " + status_line + "\r\n";
        for (const auto& h : headers)
            out += h + "\r\n";
        out += "Content-Length: " + QByteArray::number(content_length) +
               "\r\nConnection: close\r\n\r\n";
        out += body;
        socket->write(out);
    };
    auto close_after_write = [socket] {
        socket->flush();
        socket->disconnectFromHost();
    };

    if (!routes_.contains(log.path)) {
        send("404 Not Found", {}, "not found", 9);
        return close_after_write();
    }
    TestRoute& r = routes_[log.path];
    QList<QByteArray> headers;
    if (!r.etag.isEmpty()) headers << "ETag: " + r.etag;
    if (!r.linked_etag.isEmpty()) headers << "X-Linked-Etag: " + r.linked_etag;
    if (r.linked_size >= 0) headers << "X-Linked-Size: " + QByteArray::number(r.linked_size);
    if (!r.redirect_to.isEmpty()) {
        headers << "Location: " + r.redirect_to;
        send("302 Found", headers, {}, 0);
        return close_after_write();
    }
    if (r.status != 200) {
        const QByteArray text = "failure " + QByteArray::number(r.status);
        send(QByteArray::number(r.status) + " Error", headers, text, text.size());
        return close_after_write();
    }
    QByteArray body = r.body;
    if (r.corrupt && !body.isEmpty()) body[body.size() / 2] = char(body[body.size() / 2] ^ 0x5a);
    qint64 start = 0;
    QByteArray status_line = "200 OK";
    if (log.range.startsWith("bytes=")) {
        start = log.range.mid(6, log.range.indexOf('-') - 6).toLongLong();
        if (start >= body.size()) {
            headers << "Content-Range: bytes */" + QByteArray::number(body.size());
            send("416 Range Not Satisfiable", headers, {}, 0);
            return close_after_write();
        }
        status_line = "206 Partial Content";
        headers << "Content-Range: bytes " + QByteArray::number(start) + "-" +
                       QByteArray::number(body.size() - 1) + "/" + QByteArray::number(body.size());
    }
    const QByteArray rest = body.mid(start);
    if (r.truncate_times > 0 && r.truncate_after >= 0) {
        --r.truncate_times;
        send(status_line, headers, rest.left(r.truncate_after), rest.size());
        close_after_write();  // FIN before Content-Length bytes: a transfer cut short
        return;
    }
    if (r.stall_after >= 0) {
        send(status_line, headers, rest.left(r.stall_after), rest.size());
        socket->flush();
        return;  // never finishes; the client cancels
    }
    send(status_line, headers, rest, rest.size());
    close_after_write();
}
