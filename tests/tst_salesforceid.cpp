#include "domain/salesforceid.h"

#include <QtTest>

using lmo::SalesforceId;

class TestSalesforceId : public QObject
{
    Q_OBJECT
private slots:
    void checksumVectors_data()
    {
        QTest::addColumn<QString>("id15");
        QTest::addColumn<QString>("id18");
        // The vectors of docs/domain.md, "The checksum".
        QTest::newRow("license") << QStringLiteral("a0BA0000000L2ZC") << QStringLiteral("a0BA0000000L2ZCMA0");
        QTest::newRow("campaign") << QStringLiteral("70130000001tcyI") << QStringLiteral("70130000001tcyIAAQ");
        // All digits: no uppercase anywhere gives AAA.
        QTest::newRow("digits") << QStringLiteral("001000000000001") << QStringLiteral("001000000000001AAA");
        // All uppercase letters in every position: 31 in each group, the last alphabet entry.
        QTest::newRow("all upper") << QStringLiteral("ABCDEFGHIJKLMNO") << QStringLiteral("ABCDEFGHIJKLMNO555");
    }
    void checksumVectors()
    {
        QFETCH(QString, id15);
        QFETCH(QString, id18);
        QCOMPARE(SalesforceId::checksumOf(id15), id18.right(3));
        auto from15 = SalesforceId::parse(id15);
        QVERIFY2(from15.ok(), qPrintable(from15.ok() ? QString() : from15.error().message));
        QCOMPARE(from15->to18(), id18);
        QCOMPARE(from15->to15(), id15);
        auto from18 = SalesforceId::parse(id18);
        QVERIFY(from18.ok());
        QCOMPARE(from18->to15(), id15);
        QVERIFY(from15.value() == from18.value());
    }

    void fifteenCharIdsAreCaseSensitive()
    {
        const SalesforceId lower = SalesforceId::fromString(u"a0BA0000000L2ZC");
        const SalesforceId upper = SalesforceId::fromString(u"A0BA0000000L2ZC");
        QVERIFY(!lower.isNull());
        QVERIFY(!upper.isNull());
        QVERIFY(!(lower == upper));
        QVERIFY(lower.to18() != upper.to18());
    }

    void foldedEighteenCharIdsAreRestored_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("id15");
        QTest::newRow("upper") << QStringLiteral("A0BA0000000L2ZCMA0") << QStringLiteral("a0BA0000000L2ZC");
        QTest::newRow("lower") << QStringLiteral("a0ba0000000l2zcma0") << QStringLiteral("a0BA0000000L2ZC");
        QTest::newRow("lower campaign") << QStringLiteral("70130000001tcyiaaq") << QStringLiteral("70130000001tcyI");
        QTest::newRow("only the suffix lowered") << QStringLiteral("a0BA0000000L2ZCma0") << QStringLiteral("a0BA0000000L2ZC");
        QTest::newRow("blanks trimmed") << QStringLiteral("  a0BA0000000L2ZCMA0\t") << QStringLiteral("a0BA0000000L2ZC");
    }
    void foldedEighteenCharIdsAreRestored()
    {
        QFETCH(QString, input);
        QFETCH(QString, id15);
        auto parsed = SalesforceId::parse(input);
        QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error().message));
        QCOMPARE(parsed->to15(), id15);
    }

    void invalidIdsAreRefusedWithAReason_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("reason");
        QTest::newRow("empty") << QString() << QStringLiteral("empty");
        QTest::newRow("too short") << QStringLiteral("a0BA0000000L2Z") << QStringLiteral("14 characters");
        QTest::newRow("16 chars") << QStringLiteral("a0BA0000000L2ZCM") << QStringLiteral("16 characters");
        QTest::newRow("bad char") << QStringLiteral("a0BA0000000L2-C") << QStringLiteral("'-' at position 14");
        QTest::newRow("non-ascii") << QStringLiteral("a0BA0000000L2ZÉ") << QStringLiteral("position 15");
        QTest::newRow("wrong checksum, mixed case") << QStringLiteral("a0BA0000000L2ZCAAA")
                                                    << QStringLiteral("should be MA0");
        QTest::newRow("checksum flags a digit") << QStringLiteral("001000000000001BAA")
                                                << QStringLiteral("wrong checksum");
        QTest::newRow("checksum not in alphabet") << QStringLiteral("001000000000001A9A")
                                                  << QStringLiteral("wrong checksum");
    }
    void invalidIdsAreRefusedWithAReason()
    {
        QFETCH(QString, input);
        QFETCH(QString, reason);
        auto parsed = SalesforceId::parse(input);
        QVERIFY(!parsed.ok());
        QVERIFY2(parsed.error().message.contains(reason), qPrintable(parsed.error().message));
        QVERIFY(SalesforceId::fromString(input).isNull());
    }

    void keyPrefix_data()
    {
        QTest::addColumn<QString>("id");
        QTest::addColumn<QString>("prefix");
        QTest::newRow("org") << QStringLiteral("00D5f000000AbCd") << QStringLiteral("00D");
        QTest::newRow("package") << QStringLiteral("033A0000000xyzQ") << QStringLiteral("033");
        QTest::newRow("version, 18") << QStringLiteral("04t5f000000AbCdAAA") << QStringLiteral("04t");
    }
    void keyPrefix()
    {
        QFETCH(QString, id);
        QFETCH(QString, prefix);
        // The 18-char row needs its real checksum.
        QString input = id;
        if (input.size() == 18)
            input = id.left(15) + SalesforceId::checksumOf(id.left(15));
        QCOMPARE(SalesforceId::fromString(input).keyPrefix(), prefix);
    }

    void nullIdHasNoForms()
    {
        const SalesforceId id;
        QVERIFY(id.isNull());
        QVERIFY(id.to15().isEmpty());
        QVERIFY(id.to18().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestSalesforceId)
#include "tst_salesforceid.moc"
