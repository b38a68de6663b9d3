clustaar_webhook::main!(privat_key = "k");
