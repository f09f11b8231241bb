//! Reports: figures over a range of days, read from the rollups tickets write as they
//! change (`wrrk_shared::reports`).

pub mod get;
