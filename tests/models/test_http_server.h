// A tiny HTTP/1.1 server on 127.0.0.1 for the downloader tests (one request per connection,
// "Connection: close"). Serves registered paths with Range support (206 / 416), ETag and
// X-Linked-Etag / X-Linked-Size headers, redirects, and configurable failures: an error status,
// a body cut short (the first N responses), corrupted bytes, or a stall after N bytes.
// Thread: the test's thread (event loop).
#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QTcpServer>

struct TestRoute {
    QByteArray body;
    int status = 200;            // != 200: answer this status with a short text body
    QByteArray redirect_to;      // non-empty: 302 to this path
    QByteArray etag;             // ETag header value (quoted as given)
    QByteArray linked_etag;      // X-Linked-Etag header value
    qint64 linked_size = -1;     // X-Linked-Size header value
    qint64 truncate_after = -1;  // send this many body bytes, then close...
    int truncate_times = 0;      // ...for this many responses
    qint64 stall_after = -1;     // send this many body bytes, then wait until the client leaves
    bool corrupt = false;        // flip one byte in the middle
};

struct TestRequestLog {
    QByteArray path;
    QByteArray range;  // the Range header, "" when absent
};

class TestHttpServer : public QObject {
    Q_OBJECT
public:
    explicit TestHttpServer(QObject* parent = nullptr);
    bool listen();             // 127.0.0.1, any free port
    QString endpoint() const;  // "http://127.0.0.1:<port>"
    void setRoute(const QByteArray& path, const TestRoute& route) { routes_[path] = route; }
    TestRoute& route(const QByteArray& path) { return routes_[path]; }
    const QList<TestRequestLog>& requests() const { return requests_; }
    void clearLog() { requests_.clear(); }

private:
    void onConnection();
    void respond(class QTcpSocket* socket, const QByteArray& head);

    QTcpServer server_;
    QHash<QByteArray, TestRoute> routes_;
    QList<TestRequestLog> requests_;
};
