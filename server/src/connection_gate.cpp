#include "connection_gate.hpp"

#include <utility>

namespace fieldsync::server {

ConnectionSlot::ConnectionSlot(std::shared_ptr<ConnectionGate> gate, boost::asio::ip::address address)
    : gate_(std::move(gate)), address_(std::move(address)) {}

ConnectionSlot& ConnectionSlot::operator=(ConnectionSlot&& other) noexcept {
  if (this != &other) {
    release();
    gate_ = std::move(other.gate_);
    address_ = std::move(other.address_);
  }
  return *this;
}

ConnectionSlot::~ConnectionSlot() { release(); }

void ConnectionSlot::release() {
  if (gate_) gate_->release(address_);
  gate_.reset();
}

ConnectionGate::ConnectionGate(std::size_t max_total, std::size_t max_per_address)
    : max_total_(max_total), max_per_address_(max_per_address) {}

ConnectionGate::Verdict ConnectionGate::admit(const boost::asio::ip::address& address, ConnectionSlot& slot) {
  // IPv4 clients of a dual-stack socket show as ::ffff:a.b.c.d; count them as a.b.c.d.
  const boost::asio::ip::address key =
      address.is_v6() && address.to_v6().is_v4_mapped()
          ? boost::asio::ip::address(boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6()))
          : address;
  {
    std::lock_guard lock(mutex_);
    if (total_ >= max_total_) return Verdict::kOverTotal;
    auto& from_address = per_address_[key];
    if (from_address >= max_per_address_) return Verdict::kOverPerAddress;
    ++from_address;
    ++total_;
  }
  slot = ConnectionSlot(shared_from_this(), key);
  return Verdict::kAdmitted;
}

std::size_t ConnectionGate::open() const {
  std::lock_guard lock(mutex_);
  return total_;
}

void ConnectionGate::release(const boost::asio::ip::address& address) {
  std::lock_guard lock(mutex_);
  auto it = per_address_.find(address);
  if (it != per_address_.end() && --it->second == 0) per_address_.erase(it);
  if (total_ > 0) --total_;
}

}  // namespace fieldsync::server
