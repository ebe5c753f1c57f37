// SPDX-License-Identifier: Apache-2.0
#include "data/dataset.h"

#include "data/batchconverter.h"

#include <ATen/ATen.h>

#include <stdexcept>

namespace pareto {

Dataset Dataset::fromImages(at::Tensor images, std::vector<std::string> ids, std::string identity) {
    Dataset d;
    if (images.defined()) {
        if (images.dim() != 4) throw std::invalid_argument("Dataset::fromImages: images must be [N, C, H, W]");
        d.m_images = images.to(at::kFloat).contiguous();
        d.m_size = d.m_images.size(0);
        d.m_shape = {d.m_images.size(1), d.m_images.size(2), d.m_images.size(3)};
    }
    d.ids = std::move(ids);
    d.identity = std::move(identity);
    return d;
}

int64_t Dataset::heldBytes() const { return m_images.defined() ? static_cast<int64_t>(m_images.nbytes()) : 0; }

Dataset Dataset::converting(at::Tensor source, std::shared_ptr<const detail::BatchConverter> converter, std::vector<std::string> ids,
                            std::string identity) {
    Dataset d;
    d.m_images = source.to(at::kFloat).contiguous();
    d.m_converter = std::move(converter);
    d.m_size = d.m_images.size(0);
    const auto& t = d.m_converter->target();
    d.m_shape = {t.channels, t.height, t.width};
    d.ids = std::move(ids);
    d.identity = std::move(identity);
    return d;
}

at::Tensor Dataset::batch(int64_t start, int64_t count) const {
    if (start < 0 || count < 0 || start + count > m_size) throw std::out_of_range("Dataset::batch: range outside the set");
    if (!m_images.defined()) return at::empty({0, 0, 0, 0}, at::kFloat);
    const at::Tensor part = m_images.narrow(0, start, count);
    return m_converter ? m_converter->convert(part) : part;
}

at::Tensor Dataset::select(const at::Tensor& indices) const {
    const at::Tensor part = m_images.index_select(0, indices.to(at::kLong));
    return m_converter ? m_converter->convert(part) : part;
}

at::Tensor Dataset::select(const std::vector<int64_t>& indices) const {
    return select(at::tensor(indices, at::kLong));
}

}  // namespace pareto
