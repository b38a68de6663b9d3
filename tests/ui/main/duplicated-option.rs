clustaar_webhook::main!(addr = "127.0.0.1:8000", addr = "127.0.0.1:8001");
