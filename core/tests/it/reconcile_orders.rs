//! The merchant's orders, read from CSV and JSON for reconciliation: columns by name, exact amounts,
//! and a typed error naming the row and column of anything wrong.

use alipay_core::reconcile::{MerchantOrder, OrderStatus, orders_from_csv, orders_from_json};

fn reason(result: Result<Vec<MerchantOrder>, alipay_core::error::InvalidInput>) -> String {
    let e = result.expect_err("refused");
    assert_eq!(e.field, "orders");
    e.reason
}

#[test]
fn a_csv_is_read_by_column_name_in_any_order_with_or_without_a_byte_order_mark() {
    let csv = "\u{feff}status,note,amount,out_trade_no,refund_amount,paid_at\n\
               paid,咖啡,12.30,A1,,2026-11-30 10:00:00\n\
               closed,,5,A2,,\n\
               refunded, ,9.90,A3,,\n";
    let orders = orders_from_csv(csv.as_bytes()).expect("orders");
    let a1 =
        MerchantOrder::new("A1", "12.30".parse().expect("m"), OrderStatus::Paid).with_paid_at("2026-11-30 10:00:00");
    assert_eq!(orders[0], a1);
    assert_eq!((orders[1].status, orders[1].amount.fen()), (OrderStatus::NotPaid, 500), "closed is not paid");
    assert_eq!((orders[2].status, orders[2].refund_amount), (OrderStatus::Refunded, None));
    assert_eq!(orders_from_csv(b"out_trade_no,amount,status\n").expect("empty"), []);
}

#[test]
fn json_is_an_array_of_orders_with_amounts_as_strings() {
    let json = br#"[{"out_trade_no":"J1","amount":"1.50","status":"paid","refund_amount":"0.50"},
                    {"out_trade_no":"J2","amount":3,"status":"cancelled"}]"#;
    let orders = orders_from_json(json).expect("orders");
    assert_eq!(orders[0].refund_amount.map(|m| m.fen()), Some(50));
    assert_eq!((orders[1].amount.fen(), orders[1].status), (300, OrderStatus::NotPaid));
}

#[test]
fn every_problem_is_named_with_its_row_and_column() {
    let csv = |body: &str| orders_from_csv(format!("out_trade_no,amount,status\n{body}").as_bytes());
    assert!(reason(orders_from_csv(b"order,amount,status\n")).contains("no `out_trade_no` column"));
    assert!(reason(csv("A,1.00,paid\nB,1.005,paid\n")).contains("row 3, `amount`"));
    assert!(reason(csv("A,-1.00,paid\n")).contains("row 2, `amount`"));
    assert!(reason(csv("A,1.00,shipped\n")).contains("row 2: `status` is \"shipped\""));
    assert!(reason(csv("A,1.00,paid\nA,2.00,paid\n")).contains("\"A\" is given twice"));
    assert!(reason(csv(",1.00,paid\n")).contains("has no out_trade_no"));
    assert!(reason(csv("A,1.00,paid,extra\n")).contains("row 2"), "a row longer than the header");
    let over = "out_trade_no,amount,status,refund_amount\nA,1.00,refunded,1.01\n";
    assert!(reason(orders_from_csv(over.as_bytes())).contains("refunds more than its amount 1.00"));
    assert!(reason(orders_from_json(br#"[{"out_trade_no":"A","amount":1.5,"status":"paid"}]"#)).contains("float"));
    assert!(
        reason(orders_from_json(br#"[{"out_trade_no":"A","amount":"1","status":"paid","colour":1}]"#))
            .contains("colour")
    );
    assert!(reason(orders_from_json(b"{}")).contains("the JSON"));
}
